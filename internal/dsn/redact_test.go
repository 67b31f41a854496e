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
		{dialect.Postgres, "postgres://app@h/db", "postgres://app@h/db"},
		{dialect.Postgres, "postgres://h/db?password=s3cret&x=1", "postgres://h/db?password=xxxxx&x=1"},
		{dialect.Postgres, "host=h user=app password=s3cret dbname=d", "host=h user=app password=xxxxx dbname=d"},
		{dialect.Postgres, "host=h password = 'with space' dbname=d", "host=h password = xxxxx dbname=d"},
		{dialect.MySQL, "app:s3cret@tcp(127.0.0.1:3306)/db?parseTime=true", "app:xxxxx@tcp(127.0.0.1:3306)/db?parseTime=true"},
		{dialect.MySQL, "app:p@ss:w/rd@tcp(h)/db", "app:xxxxx@tcp(h)/db"},
		{dialect.MySQL, "app@tcp(h)/db", "app@tcp(h)/db"},
		{dialect.SQLite, "file:app.db?mode=ro", "file:app.db?mode=ro"},
	}
	for _, c := range cases {
		assert.Equal(t, c.out, Redact(c.d, c.in), c.in)
	}
}

func TestPasswordAndScrub(t *testing.T) {
	assert.Equal(t, "s3cret", Password(dialect.Postgres, "postgres://app:s3cret@h/db"))
	assert.Equal(t, "p@ss:w/rd", Password(dialect.MySQL, "app:p@ss:w/rd@tcp(h)/db"))
	assert.Equal(t, "with space", Password(dialect.Postgres, "host=h password='with space' dbname=d")[1:11])
	assert.Equal(t, "", Password(dialect.SQLite, "file:x.db"))
	assert.Equal(t, "login failed for app:xxxxx", Scrub(dialect.MySQL, "app:hunter2@tcp(h)/d", "login failed for app:hunter2"))
}
