package grant_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/dsn/dsntest"
	"github.com/grantsql/grant/internal/testenv"
)

// selectOne opens name with sql.Open("grant", name) and runs SELECT 1.
func selectOne(t *testing.T, name string) {
	t.Helper()
	db, err := sql.Open("grant", name)
	require.NoError(t, err)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var one int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT 1").Scan(&one))
	assert.Equal(t, 1, one)
}

// TestOpenOneNodeDSN opens a one-node cluster from each form of a real
// driver's DSN and runs SELECT 1 through it.
func TestOpenOneNodeDSN(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		dir := t.TempDir()
		for _, name := range []string{
			"file:" + filepath.Join(dir, "a.db"),
			"file:" + filepath.Join(dir, "b") + "?_pragma=busy_timeout(5000)",
			filepath.Join(dir, "c.sqlite"),
			filepath.Join(dir, "d.SQLITE3"),
			"file:memdb1?mode=memory",
		} {
			selectOne(t, name)
		}
		for _, f := range []string{"a.db", "b", "c.sqlite", "d.SQLITE3"} {
			assert.FileExists(t, filepath.Join(dir, f))
		}
	})
	t.Run("postgres url", func(t *testing.T) { selectOne(t, testenv.PostgresDSN(t)) })
	t.Run("postgres key=value", func(t *testing.T) {
		u, err := url.Parse(testenv.PostgresDSN(t))
		require.NoError(t, err)
		selectOne(t, keywordDSN(u))
	})
	t.Run("mysql", func(t *testing.T) { selectOne(t, testenv.MySQLDSN(t)) })
}

// keywordDSN rewrites a pgx URL as a key=value string with odd white space
// around '=' and quoted values.
func keywordDSN(u *url.URL) string {
	pw, _ := u.User.Password()
	q := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	s := fmt.Sprintf("host\t=\t%s port =\t%s user=\t'%s' password\t= '%s' dbname\t=%s",
		u.Hostname(), u.Port(), q.Replace(u.User.Username()), q.Replace(pw), strings.TrimPrefix(u.Path, "/"))
	for k, v := range u.Query() {
		s += " " + k + "=" + v[0]
	}
	return s
}

// TestOpenNeverShowsPassword is the regression test of finding 6 at the
// driver: a DSN given to sql.Open showed its password in "unknown
// cluster", and a key=value DSN with tabs around '=' in node errors.
func TestOpenNeverShowsPassword(t *testing.T) {
	for _, name := range []string{
		"postgres://app:hunter2@127.0.0.1:1/db?connect_timeout=2",
		"host=127.0.0.1 port=1 user=app password\t=\thunter2 dbname=db connect_timeout=2",
		"app:hunter2@tcp(127.0.0.1:1)/db?timeout=2s",
	} {
		db, err := sql.Open("grant", name)
		require.NoError(t, err, "a one-node cluster, opened without I/O")
		err = db.Ping()
		require.Error(t, err, "nothing listens on port 1")
		assert.NotContains(t, err.Error(), "hunter2")
		c, err := (&grant.Driver{}).OpenConnector(name)
		require.NoError(t, err)
		for _, s := range c.(*grant.Connector).Registry().Stats() {
			assert.NotContains(t, s.DSN, "hunter2")
			assert.Contains(t, s.DSN, "xxxxx")
		}
		require.NoError(t, c.(io.Closer).Close())
		require.NoError(t, db.Close())
	}
	for name, want := range map[string]error{
		"mysql://app:hunter2@h/db":          grant.ErrUnknownName,
		"POSTGRES://app:hunter2@h/db":       grant.ErrUnknownName,
		"app:hunter2@tcp(h)/x.db":           config.ErrAmbiguousDSN,
		"hunter2":                           grant.ErrUnknownName,
		"file:app:hunter2@tcp(h)/x.yaml?x":  config.ErrAmbiguousDSN,
		"host=h password=hunter2 dbname=x ": nil,
	} {
		_, err := (&grant.Driver{}).OpenConnector(name)
		if want == nil {
			require.NoError(t, err)
			continue
		}
		require.ErrorIs(t, err, want, name)
		assert.ErrorIs(t, err, config.ErrInvalid)
		if name != "hunter2" {
			assert.NotContains(t, err.Error(), "hunter2", name)
		}
	}
}

func TestOpenUnknownName(t *testing.T) {
	_, err := (&grant.Driver{}).OpenConnector("inventry")
	require.ErrorIs(t, err, grant.ErrUnknownName)
	assert.ErrorIs(t, err, config.ErrUnknownDSN)
	assert.Contains(t, err.Error(), `grant: not a registered cluster, a config file or a DSN of a known driver: "inventry": want a .yaml`)
	assert.Contains(t, err.Error(), "(or a name registered with grant.Register)")

	_, err = (&grant.Driver{}).OpenConnector("file:" + filepath.Join(t.TempDir(), "cluster.yaml"))
	require.ErrorIs(t, err, os.ErrNotExist, "a config file name is still read as one")

	_, err = (&grant.Driver{}).OpenConnector("file:cluster")
	require.ErrorIs(t, err, config.ErrAmbiguousDSN)
	assert.Contains(t, err.Error(), "a file: name needs .yaml, .yml or .json for a config file")
}

func TestRegisterNames(t *testing.T) {
	cfg := &grant.Config{Dialect: dialect.SQLite, Databases: map[string]*config.Database{"main": {Primary: "file::memory:"}}}
	require.NoError(t, grant.Register("orders-2.eu_west", cfg))
	grant.Unregister("orders-2.eu_west")
	for _, name := range []string{"", "app.db", "cluster.yaml", "a/b", "postgres://u:hunter2@h/db", "x y", "my_password"} {
		err := grant.Register(name, cfg)
		require.Error(t, err, name)
		assert.NotContains(t, err.Error(), "hunter2")
	}
	assert.EqualError(t, grant.Register("ok", nil), "grant: Register: nil config")
}

// FuzzOpenConnector opens generated DSNs of every driver's syntax (see
// dsntest.Generate): no error of OpenConnector may contain the password.
func FuzzOpenConnector(f *testing.F) {
	f.Add(uint8(0), "p@ss", "w/rd", uint16(0))
	f.Add(uint8(1), "%zz", "", uint16(2))
	f.Add(uint8(3), "a' b", "\\", uint16(0x5555))
	f.Add(uint8(5), "p@ss:", "(x)/", uint16(9))
	f.Fuzz(func(t *testing.T, form uint8, pre, post string, knobs uint16) {
		g := dsntest.Generate(form, pre, post, knobs)
		if form%7 == 6 {
			return // SQLite: no password, and opening creates files
		}
		c, err := (&grant.Driver{}).OpenConnector(g.DSN)
		if err != nil {
			if strings.Contains(err.Error(), dsntest.Sentinel) {
				t.Fatalf("%q -> %v", g.DSN, err)
			}
			return
		}
		require.NoError(t, c.(io.Closer).Close())
	})
}

// A real driver's DSN opens a one-node cluster of that dialect.
func Example_oneNodeDSN() {
	dir, err := os.MkdirTemp("", "grant-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("grant", "file:"+filepath.Join(dir, "app.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	var one int
	if err := db.QueryRow("SELECT 1").Scan(&one); err != nil {
		panic(err)
	}
	fmt.Println(one)
	// Output: 1
}
