package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParseYAMLAndValidate(t *testing.T) {
	doc := `
dialect: postgres
databases:
  main:
    primary: "postgres://app:${PGPASS}@10.0.0.1/app"
    replicas: ["postgres://app:${PGPASS}@10.0.0.2/app", "postgres://app:${PGPASS}@10.0.0.3/app"]
    pool: {max_open: 50}
  logs:
    primary: "postgres://app:x@10.0.0.9/logs"
default_database: main
pool: {max_open: 20, max_idle: 5, conn_max_lifetime: 30m}
health: {interval: 500ms, timeout: 200ms, failures: 3}
retry: {attempts: 3, backoff: 10ms}
`
	c, err := Parse([]byte(doc), "yaml")
	require.NoError(t, err)
	v, err := c.validate(env(map[string]string{"PGPASS": "s3cret"}))
	require.NoError(t, err)
	assert.Equal(t, dialect.Postgres, v.Dialect)
	assert.Equal(t, "postgres://app:s3cret@10.0.0.2/app", v.Databases["main"].Replicas[0])
	assert.Equal(t, "postgres://app:${PGPASS}@10.0.0.2/app", c.Databases["main"].Replicas[0], "Validate must not modify its receiver")
	assert.Equal(t, []string{"logs", "main"}, v.DatabaseNames())
	assert.Equal(t, 50, v.PoolFor("main").MaxOpen)
	assert.Equal(t, 5, v.PoolFor("main").MaxIdle)
	assert.Equal(t, 20, v.PoolFor("logs").MaxOpen)
	assert.Equal(t, 30*time.Minute, v.Pool.ConnMaxLifetime.D())
	assert.Equal(t, 500*time.Millisecond, v.Health.Interval.D())
	assert.Equal(t, 3, v.Health.Failures)
	assert.Equal(t, DefaultHealthSuccesses, v.Health.Successes)
	assert.Equal(t, 3, v.Retry.Attempts)
}

func TestParseJSONWithTabsAndDefaults(t *testing.T) {
	doc := "{\n\t\"dialect\": \"sqlite\",\n\t\"databases\": {\"only\": {\"primary\": \"file:a.db\"}}\n}"
	c, err := Parse([]byte(doc), "json")
	require.NoError(t, err)
	v, err := c.Validate()
	require.NoError(t, err)
	assert.Equal(t, "only", v.DefaultDatabase, "a single database is the default")
	assert.Equal(t, DefaultMaxIdle, v.Pool.MaxIdle)
	assert.Equal(t, DefaultHealthInterval, v.Health.Interval.D())
	assert.Equal(t, DefaultRetryAttempts, v.Retry.Attempts)
}

// TestBadInput checks that every kind of bad input is an error naming its key
// path and never showing a password.
func TestBadInput(t *testing.T) {
	cases := []struct {
		name, format, doc string
		want              []string
	}{
		{"unknown dialect", "yaml", "dialect: oracle\ndatabases: {a: {primary: x}}", []string{`dialect: unknown dialect: want postgres, mysql or sqlite`}},
		{"missing dialect", "yaml", "databases: {a: {primary: x}}", []string{"dialect: missing or unknown dialect"}},
		{"no databases", "yaml", "dialect: mysql", []string{"databases: no databases"}},
		{"missing primary", "yaml", "dialect: mysql\ndatabases: {a: {replicas: [\"u:pw@tcp(h)/d\"]}}", []string{"databases.a.primary: missing primary DSN"}},
		{"unknown default", "yaml", "dialect: mysql\ndatabases: {a: {primary: x}}\ndefault_database: b", []string{`default_database: unknown database "b"`}},
		{"default required", "yaml", "dialect: mysql\ndatabases: {a: {primary: x}, b: {primary: y}}", []string{"default_database: required"}},
		{"duplicate yaml key", "yaml", "dialect: mysql\ndatabases:\n  a: {primary: x}\n  a: {primary: y}", []string{`databases.a: key already defined (line 3 and line 4)`}},
		{"duplicate json key", "json", `{"dialect":"mysql","databases":{"a":{"primary":"x"},"a":{"primary":"y"}}}`, []string{`databases.a: key already defined`}},
		{"duplicate dsn", "yaml", "dialect: mysql\ndatabases: {a: {primary: \"u:hunter2@tcp(h)/d\", replicas: [\"u:hunter2@tcp(h)/d\"]}}", []string{"databases.a.replicas[0]: same DSN as databases.a.primary (u:xxxxx@tcp(h)/d)"}},
		{"malformed yaml", "yaml", "dialect: [mysql", []string{"malformed YAML: yaml: line 1: did not find expected ',' or ']'"}},
		{"malformed json", "json", `{"dialect": "mysql",}`, []string{"malformed JSON: invalid character '}' looking for beginning of object key string"}},
		{"unknown key", "yaml", "dialect: mysql\ndatabases: {a: {primary: x, replica: [y]}}", []string{"databases.a.replica: unknown key"}},
		{"wrong type", "yaml", "dialect: mysql\ndatabases: {a: {primary: x}}\npool: {max_open: lots}", []string{`pool.max_open: want an integer, not a string`}},
		{"bad duration", "yaml", "dialect: mysql\ndatabases: {a: {primary: x}}\nhealth: {interval: soon}", []string{`health.interval: invalid duration: want e.g. "2s" or "150ms"`}},
		{"unset env", "yaml", "dialect: mysql\ndatabases: {a: {primary: \"u:${NOPE_UNSET_VAR}@tcp(h)/d\"}}", []string{"databases.a.primary: environment variable NOPE_UNSET_VAR is not set"}},
		{"replicas not a list", "yaml", "dialect: mysql\ndatabases: {a: {primary: x, replicas: y}}", []string{"databases.a.replicas: want a list, not a string"}},
		{"negative pool", "yaml", "dialect: mysql\ndatabases: {a: {primary: x, pool: {max_open: -1}}}", []string{"databases.a.pool.max_open: must not be negative"}},
		{"bad name", "yaml", "dialect: mysql\ndatabases: {\"a b\": {primary: x}}", []string{`databases.a b: invalid database name: use letters, digits, '_' and '-'`}},
		{"timeout over interval", "yaml", "dialect: mysql\ndatabases: {a: {primary: x}}\nhealth: {interval: 1s, timeout: 2s}", []string{"health.timeout: 2s is longer than health.interval 1s"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.doc), tc.format)
			if err == nil {
				_, err = c.validate(env(nil))
			}
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrInvalid), "errors.Is(err, ErrInvalid) for %v", err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := &Cluster{Databases: map[string]*Database{"a": {}, "b": {Primary: "x"}}}
	_, err := c.Validate()
	var es Errors
	require.ErrorAs(t, err, &es)
	paths := []string{}
	for _, e := range es {
		paths = append(paths, e.Path)
	}
	assert.ElementsMatch(t, []string{"dialect", "databases.a.primary", "default_database"}, paths)
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cluster.yml")
	require.NoError(t, os.WriteFile(p, []byte("dialect: sqlite\ndatabases: {main: {primary: \"file:x.db\"}}\n"), 0o600))
	c, err := Load("file:" + p)
	require.NoError(t, err)
	assert.Equal(t, "main", c.DefaultDatabase)

	_, err = Load(filepath.Join(dir, "missing.yaml"))
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.ErrorIs(t, err, ErrInvalid)

	_, err = Load(filepath.Join(dir, "cluster.toml"))
	require.ErrorContains(t, err, "want a .yaml, .yml or .json file")
}

func TestExpandEnv(t *testing.T) {
	look := env(map[string]string{"A": "1", "EMPTY": ""})
	for in, want := range map[string]string{
		"x${A}y":        "x1y",
		"${EMPTY:-d}":   "d",
		"${MISSING:-d}": "d",
		"p$w$$rd":       "p$w$rd",
		"${EMPTY}":      "",
		"no refs":       "no refs",
	} {
		got, err := expandEnv(in, look)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"${MISSING}", "${A", "${1A}", "${}"} {
		_, err := expandEnv(bad, look)
		assert.Error(t, err, bad)
	}
	// Regression: a password holding "${" showed its text in the error.
	_, err := expandEnv("u:pa${ss w0rd}x@tcp(h)/d", look)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "w0rd")
	assert.Contains(t, err.Error(), "write $${ for a literal ${")
	_, err = expandEnv("u:pa${ssw0rd@tcp(h)/d", look)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "w0rd")
}
