package config

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/testenv"
)

func TestFromDSN(t *testing.T) {
	for s, want := range map[string]dialect.Dialect{
		"postgres://app:pw@h/db":                   dialect.Postgres,
		"postgresql://app@h/db?sslmode=prefer":     dialect.Postgres,
		"host=h user=app password=p$w dbname=d":    dialect.Postgres,
		"app:p@ss${X}@tcp(h:3306)/db":              dialect.MySQL,
		"file:data/app.db?_pragma=foreign_keys(1)": dialect.SQLite,
		"app.sqlite3": dialect.SQLite,
		":memory:":    dialect.SQLite,
	} {
		c, err := FromDSN(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, c.Dialect, s)
		assert.Equal(t, []string{DSNDatabase}, c.DatabaseNames())
		assert.Equal(t, DSNDatabase, c.DefaultDatabase)
		assert.Equal(t, s, c.Databases[DSNDatabase].Primary, "taken literally: no ${} expansion")
		assert.Empty(t, c.Databases[DSNDatabase].Replicas)
		assert.Equal(t, DefaultStatementCache, c.Pool.StatementCache, "defaults are filled in")
	}
}

func TestFromDSNRefuses(t *testing.T) {
	for s, want := range map[string]struct {
		err  error
		text string
	}{
		"app":                          {ErrUnknownDSN, `grant: not a config file or a DSN of a known driver: "app": want a .yaml`},
		"cluster.yaml":                 {ErrUnknownDSN, "a config file name, not a DSN: use Load"},
		"mysql://app:hunter2@h/db":     {ErrUnknownDSN, `"mysql:xxxxx@h/db": a mysql:// URL is not a go-sql-driver/mysql DSN`},
		"app:hunter2@tcp(h)/x.db":      {ErrAmbiguousDSN, `grant: ambiguous name: "app:xxxxx@tcp(h)/x.db": could be a MySQL DSN or a SQLite file`},
		"file:conf/cluster":            {ErrAmbiguousDSN, `"file:conf/cluster"`},
		"hunter2!":                     {ErrUnknownDSN, "grant: not a config file or a DSN of a known driver: want"},
		"host=h password=hunter2 x.db": {ErrUnknownDSN, `"host=h password=xxxxx x.db"`},
	} {
		_, err := FromDSN(s)
		require.Error(t, err, s)
		var de *DSNError
		require.ErrorAs(t, err, &de, s)
		assert.ErrorIs(t, err, want.err, s)
		assert.ErrorIs(t, err, ErrInvalid, s)
		assert.Contains(t, err.Error(), want.text, s)
		assert.NotContains(t, err.Error(), "hunter2", s)
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cluster.yaml")
	require.NoError(t, os.WriteFile(p, []byte("dialect: sqlite\ndatabases: {only: {primary: \"file:x.db\"}}\n"), 0o600))
	for _, name := range []string{p, "file:" + p} {
		c, err := Resolve(name)
		require.NoError(t, err, name)
		assert.Equal(t, "only", c.DefaultDatabase, "a config file, not a one-node cluster")
	}
	c, err := Resolve("file:" + filepath.Join(dir, "app.db"))
	require.NoError(t, err)
	assert.Equal(t, dialect.SQLite, c.Dialect)

	_, err = Resolve("file:" + p + "?mode=ro")
	require.ErrorIs(t, err, ErrAmbiguousDSN)
	assert.Contains(t, err.Error(), "config file takes no query")

	_, err = Resolve(filepath.Join(dir, "missing.yml"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

// TestFromDSNWithServerDSNs reads the test servers' own DSNs (a pgx URL and
// a go-sql-driver/mysql DSN) and the PostgreSQL one rewritten as key=value
// with tabs around '=': each is a one-node cluster of its dialect, and no
// error shows its password.
func TestFromDSNWithServerDSNs(t *testing.T) {
	pg := testenv.PostgresDSN(t)
	my := testenv.MySQLDSN(t)
	u, err := url.Parse(pg)
	require.NoError(t, err)
	pw, _ := u.User.Password()
	kv := KeywordDSN(u)
	for s, want := range map[string]dialect.Dialect{pg: dialect.Postgres, kv: dialect.Postgres, my: dialect.MySQL} {
		c, err := FromDSN(s)
		require.NoError(t, err)
		assert.Equal(t, want, c.Dialect)
		_, err = FromDSN(s + " x.db")
		if err != nil && pw != "" {
			assert.NotContains(t, err.Error(), pw)
		}
	}
}

// KeywordDSN rewrites a pgx URL as a key=value string with tabs around '='.
func KeywordDSN(u *url.URL) string {
	pw, _ := u.User.Password()
	q := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	parts := []string{
		"host\t=\t" + u.Hostname(),
		"port =\t" + u.Port(),
		"user=\t'" + q.Replace(u.User.Username()) + "'",
		"password\t= '" + q.Replace(pw) + "'",
		"dbname\t=" + strings.TrimPrefix(u.Path, "/"),
	}
	for k, v := range u.Query() {
		parts = append(parts, k+"="+v[0])
	}
	return strings.Join(parts, " ")
}
