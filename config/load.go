package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/grantsql/grant/internal/dsn"
)

// Load reads a cluster configuration from a .yaml, .yml or .json file and
// validates it. path may carry a "file:" prefix.
func Load(path string) (*Cluster, error) {
	path = strings.TrimPrefix(path, "file:")
	shown := showPath(path)
	format, ok := FormatOf(path)
	if !ok {
		return nil, Errors{{Err: fmt.Errorf("config file %s: want a .yaml, .yml or .json file", shown)}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // its text repeats the path
		}
		return nil, Errors{{Err: fmt.Errorf("config file %s: %w", shown, err)}}
	}
	c, err := Parse(data, format)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, err)
	}
	c.setResolverDir(path)
	v, err := c.Validate()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, err)
	}
	return v, nil
}

// setResolverDir sets the directory that relative paths of resolvers (a
// plugin's executable) are read from: that of the file at path.
func (c *Cluster) setResolverDir(path string) {
	if c.Sharding == nil {
		return
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		dir = filepath.Dir(path)
	}
	for name, s := range c.Sharding.Resolvers {
		if s.Dir == "" {
			s.Dir = dir
			c.Sharding.Resolvers[name] = s
		}
	}
}

// showPath returns a file path as messages show it: quoted, redacted if it
// looks like a DSN, or a placeholder if it might be a secret.
func showPath(path string) string {
	if s := dsn.Show(path); s != "" {
		return s
	}
	if plainKey(path) {
		return fmt.Sprintf("%q", path)
	}
	return "(name not shown)"
}

// FormatOf returns "yaml" or "json" by the file name's extension.
func FormatOf(path string) (string, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return "yaml", true
	case ".json":
		return "json", true
	}
	return "", false
}

// Parse decodes a configuration document in format "yaml" or "json" without
// validating it. Unknown keys, duplicate keys and values of the wrong type
// (1.5 or "5" for an integer, 5 for a string) are errors naming their key
// path and the expected type; no message quotes a value of the document.
func Parse(data []byte, format string) (*Cluster, error) {
	if format == "json" {
		// JSON is YAML once its insignificant white space (tabs included,
		// which YAML forbids as indentation) is removed; the YAML decoder then
		// reports duplicate keys, which encoding/json silently accepts.
		var buf bytes.Buffer
		if err := json.Compact(&buf, data); err != nil {
			return nil, Errors{{Err: fmt.Errorf("malformed JSON: %s", syntaxProblem(err))}}
		}
		data = buf.Bytes()
	} else if format != "yaml" {
		return nil, Errors{{Err: fmt.Errorf("unknown config format %q: want yaml or json", format)}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, Errors{{Err: fmt.Errorf("malformed %s: %s", strings.ToUpper(format), syntaxProblem(err))}}
	}
	c := &Cluster{}
	if len(doc.Content) == 0 {
		return c, nil
	}
	var errs collector
	decodeNode(&errs, "", doc.Content[0], reflect.ValueOf(c).Elem())
	if err := errs.err(); err != nil {
		return nil, err
	}
	return c, nil
}

// syntaxProblem returns a parser's message. Parsing into a node, the YAML
// parser quotes no value (only an anchor's name), and encoding/json at most
// one character; a message quoting more in backquotes is cut there.
func syntaxProblem(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "`")
	return msg
}
