package plugins

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/grantsql/grant/sharding"
)

// DefaultTimeout bounds each call of a plugin whose specification gives no
// timeout.
const DefaultTimeout = time.Second

// settings is a checked specification of one plugin resolver.
type settings struct {
	name      string
	key       string // its configuration key: sharding.resolvers.<name>
	path      string // absolute
	sum       []byte
	args      []string
	dbs       []string // distinct, in the configured order
	timeout   time.Duration
	cacheSize int
	cacheTTL  time.Duration
}

// parseSpec checks the fields of spec, without reading the executable.
func parseSpec(name string, spec sharding.Spec) (*settings, error) {
	key := "sharding.resolvers." + name
	if err := spec.OnlyFields(key, "databases", "path", "sha256", "args", "timeout", "cache"); err != nil {
		return nil, err
	}
	s := &settings{name: name, key: key, args: append([]string(nil), spec.Args...), timeout: time.Duration(spec.Timeout)}
	if len(spec.Databases) == 0 {
		return nil, configErrorf(key+".databases", "required: list every database the plugin may answer (a statement without a usable key runs on all of them)")
	}
	for _, db := range spec.Databases {
		if !slices.Contains(s.dbs, db) {
			s.dbs = append(s.dbs, db)
		}
	}
	if spec.Path == "" {
		return nil, configErrorf(key+".path", "required: the plugin's executable (a relative path is read from the configuration file's directory)")
	}
	s.path = spec.Path
	if !filepath.IsAbs(s.path) && spec.Dir != "" {
		s.path = filepath.Join(spec.Dir, s.path)
	}
	if abs, err := filepath.Abs(s.path); err == nil {
		s.path = abs // never searched in $PATH
	}
	switch sum, err := hex.DecodeString(spec.SHA256); {
	case spec.SHA256 == "":
		return nil, configErrorf(key+".sha256", "required: the SHA-256 checksum of %s in hexadecimal (as sha256sum prints it)", s.path)
	case err != nil || len(sum) != sha256.Size:
		return nil, configErrorf(key+".sha256", "want 64 hexadecimal digits")
	default:
		s.sum = sum
	}
	if s.timeout == 0 {
		s.timeout = DefaultTimeout
	}
	if c := spec.Cache; c != nil {
		if c.Size <= 0 {
			return nil, configErrorf(key+".cache.size", "must be positive: the most keys kept")
		}
		s.cacheSize, s.cacheTTL = c.Size, time.Duration(c.TTL)
	}
	return s, nil
}

// verify checks that the executable exists and has the configured
// checksum. It starts nothing.
func (s *settings) verify() error {
	fi, err := os.Stat(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return configErrorf(s.key+".path", "plugin executable %s not found", s.path)
	case err != nil:
		return configErrorf(s.key+".path", "plugin executable %s: %v", s.path, unwrapPathError(err))
	case fi.IsDir():
		return configErrorf(s.key+".path", "%s is a directory, not a plugin executable", s.path)
	case fi.Mode().Perm()&0o111 == 0:
		return configErrorf(s.key+".path", "%s is not executable", s.path)
	}
	sum, err := fileSHA256(s.path)
	if err != nil {
		return configErrorf(s.key+".path", "plugin executable %s: %v", s.path, unwrapPathError(err))
	}
	if string(sum) != string(s.sum) {
		return configErrorf(s.key+".sha256", "does not match %s (its SHA-256 is %x): the executable changed, or the checksum is wrong", s.path, sum)
	}
	return nil
}

func fileSHA256(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// unwrapPathError drops the path an *fs.PathError repeats.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func configErrorf(path, format string, args ...any) error {
	return &sharding.ConfigError{Path: path, Message: fmt.Sprintf(format, args...)}
}
