package config

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/grantsql/grant/internal/dsn/dsntest"
)

// secretDSNs holds one DSN of each syntax, each with the password hunter2.
var secretDSNs = []string{
	"postgres://app:hunter2@10.0.0.1/app",
	"host=h user=app password\t=\thunter2 dbname=app",
	"host=h password = 'hunter2' dbname=app",
	"app:hunter2@tcp(10.0.0.1:3306)/app",
	"app:p@ss:hunter2/(x)@tcp(h)/app",
}

// TestSecretsAreNeverEchoed is the config side of finding 6: a DSN put in
// a key that is not a DSN, a DSN used twice, a password holding "${".
func TestSecretsAreNeverEchoed(t *testing.T) {
	for _, secret := range secretDSNs {
		q, _ := json.Marshal(secret)
		v := string(q)
		docs := []string{
			"dialect: " + v + "\ndatabases: {a: {primary: x}}",
			"dialect: sqlite\ndatabases: {a: {primary: x}}\npool: {max_open: " + v + "}",
			"dialect: sqlite\ndatabases: {a: {primary: x}}\nretry: {attempts: " + v + "}",
			"dialect: sqlite\ndatabases: {a: {primary: x}}\nhealth: {interval: " + v + ", disabled: " + v + "}",
			"dialect: sqlite\ndatabases: {a: {primary: x}}\ndefault_database: " + v,
			"dialect: sqlite\ndatabases: {a: {primary: x}}\nrouting: {policy: " + v + ", no_replica: " + v + ", unknown_functions: " + v + "}",
			"dialect: sqlite\ndatabases: {a: {primary: x}}\nrouting: {primary_functions: [" + v + "], read_your_writes: {mode: " + v + ", scope: " + v + "}}",
			"dialect: sqlite\ndatabases: {a: {primary: x}}\nrouting: {policy: weighted, weights: {" + v + ": 1}}",
			"dialect: sqlite\ndatabases: {" + v + ": {primary: x}}",
			"dialect: sqlite\ndatabases: {a: {primary: x, " + v + ": 1}}",
			"dialect: sqlite\ndatabases: {a: {primary: x, replicas: " + v + "}}",
			"dialect: postgres\ndatabases: {a: {primary: " + v + ", replicas: [" + v + "]}}",
			"dialect: mysql\ndatabases: {a: {primary: " + v + ", replicas: [" + v + "]}}",
			"dialect: sqlite\ndatabases: {a: {primary: " + v + ", replicas: [" + v + "]}}",
			"dialect: sqlite\ndatabases: {a: {primary: " + strings.Replace(v, "hunter2", "hun${ter 2}hunter2", 1) + "}}",
			"dialect: sqlite\ndatabases: {a: {primary: " + strings.Replace(v, "hunter2", "hun${ter2", 1) + "}}",
		}
		for _, doc := range docs {
			for _, format := range []string{"yaml", "json"} {
				if format == "json" {
					if !strings.HasPrefix(doc, "dialect: ") {
						continue
					}
					doc = toJSON(t, doc)
				}
				c, err := Parse([]byte(doc), format)
				if err == nil {
					_, err = c.validate(env(nil))
				}
				require.Error(t, err, doc)
				assert.NotContains(t, err.Error(), "hunter2", doc)
				assert.NotContains(t, err.Error(), "ter 2", doc)
			}
		}
		_, err := Resolve(secret + "?x")
		if err != nil {
			assert.NotContains(t, err.Error(), "hunter2")
		}
		_, err = Load(filepath.Join(t.TempDir(), secret+".yaml"))
		require.Error(t, err)
		assert.ErrorIs(t, err, os.ErrNotExist)
		assert.NotContains(t, err.Error(), "hunter2")
	}
}

// toJSON converts a YAML flow document to JSON.
func toJSON(t *testing.T, doc string) string {
	var v any
	require.NoError(t, yaml.Unmarshal([]byte(doc), &v))
	b, err := json.MarshalIndent(v, "", "\t")
	require.NoError(t, err)
	return string(b)
}

// FuzzConfigErrors puts generated DSNs of every driver's syntax (see
// dsntest.Generate) in every kind of key and checks that no error from
// Parse, Validate, FromDSN or Resolve contains the password.
func FuzzConfigErrors(f *testing.F) {
	f.Add(uint8(0), "p@ss", "w/rd", uint16(0))
	f.Add(uint8(3), "a' b", "${X", uint16(0x5555))
	f.Add(uint8(4), "${", "}", uint16(3))
	f.Add(uint8(5), "p@ss:", "(x)/", uint16(9))
	f.Fuzz(func(t *testing.T, form uint8, pre, post string, knobs uint16) {
		g := dsntest.Generate(form, pre, post, knobs)
		q, err := json.Marshal(g.DSN)
		if err != nil || !strings.Contains(string(q), dsntest.Sentinel) {
			return
		}
		v := string(q)
		d := g.Dialect.String()
		docs := []string{
			"dialect: " + d + "\ndatabases: {a: {primary: " + v + ", replicas: [" + v + "]}}",
			"dialect: " + v + "\ndatabases: {a: {primary: x}}\npool: {max_open: " + v + "}\nhealth: {interval: " + v + "}",
			"dialect: " + d + "\ndatabases: {a: {primary: x}}\ndefault_database: " + v + "\nrouting: {policy: " + v + ", weights: {" + v + ": 1}}",
			"dialect: " + d + "\ndatabases: {" + v + ": {primary: " + v + "}}",
		}
		// "${NAME}" is an environment reference, and an unset NAME is named
		// in the error: a password holding one must write "$${".
		if m := envRef.FindString(g.DSN); strings.Contains(m, dsntest.Sentinel) {
			docs = docs[1:3] // the documents without the DSN as a DSN
		}
		for _, doc := range docs {
			c, err := Parse([]byte(doc), "yaml")
			if err == nil {
				_, err = c.validate(env(nil))
			}
			if err != nil && strings.Contains(err.Error(), dsntest.Sentinel) {
				t.Fatalf("%s\n-> %v", doc, err)
			}
		}
		for _, open := range []func(string) (*Cluster, error){FromDSN, Resolve} {
			if _, err := open(g.DSN); err != nil && strings.Contains(err.Error(), dsntest.Sentinel) {
				t.Fatalf("%q -> %v", g.DSN, err)
			}
		}
	})
}

var envRef = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*` + dsntest.Sentinel + `[A-Za-z0-9_]*(:-[^}]*)?\}|\$\{` + dsntest.Sentinel + `[A-Za-z0-9_]*(:-[^}]*)?\}`)
