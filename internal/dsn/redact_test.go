package dsn

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/grantsql/grant/dialect"
)

func TestRedact(t *testing.T) {
	cases := []struct {
		d       dialect.Dialect
		in, out string
	}{
		{dialect.Postgres, "postgres://app:s3cret@h:5432/db?sslmode=disable", "postgres://app:xxxxx@h:5432/db?sslmode=disable"},
		{dialect.Postgres, "postgresql://app:s%40cret@h/db", "postgresql://app:xxxxx@h/db"},
		{dialect.Postgres, "postgres://app@h/db", "postgres://app@h/db"},
		{dialect.Postgres, "postgres://h/db?password=s3cret&x=1", "postgres://h/db?password=xxxxx&x=1"},
		{dialect.Postgres, "postgres://h/db?pass%77ord=s3cret&sslpassword=k", "postgres://h/db?pass%77ord=xxxxx&sslpassword=xxxxx"},
		{dialect.Postgres, "postgres://app:p@ss/w?rd@h/db", "postgres://app:xxxxx@h/db"},
		{dialect.Postgres, "postgres://[::1]:5432/db", "postgres://[::1]:5432/db"},
		{dialect.Postgres, "host=h user=app password=s3cret dbname=d", "host=h user=app password=xxxxx dbname=d"},
		{dialect.Postgres, "host=h password = 'with space' dbname=d", "host=h password = xxxxx dbname=d"},
		{dialect.Postgres, "host=h password\t=\ts3cret dbname=d", "host=h password\t=\txxxxx dbname=d"},
		{dialect.Postgres, "host=h password=a\\ b\\'c dbname=d", "host=h password=xxxxx dbname=d"},
		{dialect.Postgres, "host=h password='it\\'s' dbname=d", "host=h password=xxxxx dbname=d"},
		{dialect.Postgres, "host=h password='unterminated dbname=d", "host=h password=xxxxx"},
		{dialect.Postgres, "host=h sslpassword=k PASSWORD=p", "host=h sslpassword=xxxxx PASSWORD=xxxxx"},
		{dialect.MySQL, "app:s3cret@tcp(127.0.0.1:3306)/db?parseTime=true", "app:xxxxx@tcp(127.0.0.1:3306)/db?parseTime=true"},
		{dialect.MySQL, "app:p@ss:w/rd@tcp(h)/db", "app:xxxxx@tcp(h)/db"},
		{dialect.MySQL, "app:(a,b)@unix(/run/mysqld.sock)/db", "app:xxxxx@unix(/run/mysqld.sock)/db"},
		{dialect.MySQL, "app@tcp(h)/db", "app@tcp(h)/db"},
		{dialect.MySQL, "a://x@tcp(h)/db", "a:xxxxx@tcp(h)/db"},
		{dialect.SQLite, "file:app.db?mode=ro", "file:app.db?mode=ro"},
		{dialect.SQLite, "/var/lib/app.sqlite3", "/var/lib/app.sqlite3"},
		// A DSN given to the wrong dialect is still redacted.
		{dialect.Postgres, "app:s3cret@tcp(h)/db", "app:xxxxx@tcp(h)/db"},
		{dialect.SQLite, "postgres://app:s3cret@h/db", "postgres://app:xxxxx@h/db"},
		{dialect.Unknown, "mysql://app:s3cret@h/db", "mysql:xxxxx@h/db"},
		// An '@' in a URL's query hides the host: more is masked, never less.
		{dialect.Postgres, "postgres://app:s3cret@h/db?application_name=a@b", "postgres://app:xxxxx@b"},
	}
	for _, c := range cases {
		assert.Equal(t, c.out, Redact(c.d, c.in), "%q", c.in)
		assert.Equal(t, c.out, Redact(c.d, Redact(c.d, c.in)), "idempotent: %q", c.in)
	}
}

func TestSecrets(t *testing.T) {
	assert.Equal(t, []string{"s%40cret", "s@cret"}, Secrets(dialect.Postgres, "postgres://app:s%40cret@h/db"))
	assert.Equal(t, []string{"p@ss:w/rd"}, Secrets(dialect.MySQL, "app:p@ss:w/rd@tcp(h)/db"))
	assert.Equal(t, []string{"'with space'", "with space"}, Secrets(dialect.Postgres, "host=h password='with space' dbname=d"))
	assert.Equal(t, []string{"a\\ b", "a b"}, Secrets(dialect.Postgres, "password=a\\ b"))
	assert.Empty(t, Secrets(dialect.SQLite, "file:x.db"))
	assert.Empty(t, Secrets(dialect.Postgres, "postgres://app@h/db"))
}

func TestScrub(t *testing.T) {
	assert.Equal(t, "login failed for app:xxxxx", Scrub(dialect.MySQL, "app:hunter2@tcp(h)/d", "login failed for app:hunter2"))
	assert.Equal(t, "bad text", Scrub(dialect.SQLite, "file:x.db", "bad text"))
	// The decoded password, as a server would echo it.
	assert.Equal(t, "auth xxxxx", Scrub(dialect.Postgres, "host=h password='a b'", "auth a b"))
	assert.Equal(t, "auth xxxxx", Scrub(dialect.Postgres, "postgres://u:a%2Fb@h/d", "auth a/b"))
	// A copy of the DSN that another redaction left partly visible:
	// pgx ends the password at the first '@'.
	s := "postgres://u:first@second@h/db"
	assert.Equal(t, "cannot parse `postgres://u:xxxxx@h/db`", Scrub(dialect.Postgres, s, "cannot parse `postgres://u:xxxxx@second@h/db`"))
	// A quoted fragment of the password.
	assert.Equal(t, `invalid URL escape "xxxxx"`, Scrub(dialect.Postgres, "postgres://u:ab%zzcd@h/db", `invalid URL escape "%zz"`))
	// Tabs around '=' (pgx's own redaction misses them).
	assert.Equal(t, "cannot parse `host=h password\t=\txxxxx`", Scrub(dialect.Postgres, "host=h password\t=\tpw1", "cannot parse `host=h password\t=\tpw1`"))
}

func TestShow(t *testing.T) {
	assert.Equal(t, `"app"`, Show("app"))
	assert.Equal(t, `"conf/cluster-1.yaml"`, Show("conf/cluster-1.yaml"))
	assert.Equal(t, `"postgres://app:xxxxx@h/db"`, Show("postgres://app:s3cret@h/db"))
	assert.Equal(t, `"host=h password=xxxxx"`, Show("host=h password=s3cret"))
	assert.Equal(t, `"app:xxxxx@tcp(h)/db"`, Show("app:s3cret@tcp(h)/db"))
	assert.Equal(t, "", Show("s3cret!"), "neither plain nor a DSN: might be a secret")
	assert.Equal(t, "", Show("my_password"), "names a secret")
	assert.Equal(t, "", Show(""))
}
