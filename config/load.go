package config

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads a cluster configuration from a .yaml, .yml or .json file and
// validates it. path may carry a "file:" prefix.
func Load(path string) (*Cluster, error) {
	path = strings.TrimPrefix(path, "file:")
	format, ok := FormatOf(path)
	if !ok {
		return nil, Errors{{Err: fmt.Errorf("config file %q: want a .yaml, .yml or .json file", path)}}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Errors{{Err: fmt.Errorf("config file: %w", err)}}
	}
	c, err := Parse(data, format)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	v, err := c.Validate()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
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
// validating it. Unknown keys, duplicate keys and values of the wrong type are
// errors naming their key path.
func Parse(data []byte, format string) (*Cluster, error) {
	if format == "json" {
		// JSON is YAML once its insignificant white space (tabs included,
		// which YAML forbids as indentation) is removed; the YAML decoder then
		// reports duplicate keys, which encoding/json silently accepts.
		var buf bytes.Buffer
		if err := json.Compact(&buf, data); err != nil {
			return nil, Errors{{Err: fmt.Errorf("malformed JSON: %w", err)}}
		}
		data = buf.Bytes()
	} else if format != "yaml" {
		return nil, Errors{{Err: fmt.Errorf("unknown config format %q: want yaml or json", format)}}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, Errors{{Err: fmt.Errorf("malformed %s: %w", strings.ToUpper(format), err)}}
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

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// decodeNode decodes n into v, recording every problem with its key path.
func decodeNode(errs *collector, path string, n *yaml.Node, v reflect.Value) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Tag == "!!null" {
		v.SetZero()
		return
	}
	if n.Kind == yaml.MappingNode && hasDuplicateKey(errs, path, n) {
		return
	}
	if reflect.PointerTo(v.Type()).Implements(textUnmarshaler) {
		if n.Kind != yaml.ScalarNode {
			errs.add(path, "want a scalar value")
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value)); err != nil {
			errs.wrap(path, err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		decodeNode(errs, path, n, elem.Elem())
		v.Set(elem)
	case reflect.Struct:
		decodeStruct(errs, path, n, v)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			errs.add(path, "want a mapping")
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			elem := reflect.New(v.Type().Elem()).Elem()
			decodeNode(errs, join(path, key), n.Content[i+1], elem)
			m.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), elem)
		}
		v.Set(m)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			errs.add(path, "want a list")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			decodeNode(errs, fmt.Sprintf("%s[%d]", path, i), item, s.Index(i))
		}
		v.Set(s)
	case reflect.Interface:
		var x any
		if err := n.Decode(&x); err != nil {
			errs.wrap(path, err)
			return
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		if n.Kind != yaml.ScalarNode {
			errs.add(path, "want a single value, not a %s", kindName(n.Kind))
			return
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			errs.add(path, "cannot use %q as %s", n.Value, v.Type())
		}
	}
}

func decodeStruct(errs *collector, path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		errs.add(path, "want a mapping, not a %s", kindName(n.Kind))
		return
	}
	fields := map[string]int{}
	var known []string
	for i := 0; i < v.NumField(); i++ {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			fields[name] = i
			known = append(known, name)
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		idx, ok := fields[key]
		if !ok {
			errs.add(join(path, key), "unknown key (known keys here: %s)", strings.Join(known, ", "))
			continue
		}
		decodeNode(errs, join(path, key), n.Content[i+1], v.Field(idx))
	}
}

// hasDuplicateKey reports (and records) a key given twice in one mapping:
// the second would silently replace the first.
func hasDuplicateKey(errs *collector, path string, n *yaml.Node) bool {
	seen := make(map[string]int, len(n.Content)/2)
	dup := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if line, ok := seen[k.Value]; ok {
			errs.add(join(path, k.Value), "mapping key %q already defined (line %d and line %d)", k.Value, line, k.Line)
			dup = true
		}
		seen[k.Value] = k.Line
	}
	return dup
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "scalar"
}
