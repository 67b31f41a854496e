package dsn

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

func TestDetect(t *testing.T) {
	for in, want := range map[string]Form{
		"postgres://app:pw@h/db":                                FormPostgresURL,
		"postgresql://h/db?sslmode=disable":                     FormPostgresURL,
		"host=h user=app password=pw dbname=d":                  FormPostgresKeywords,
		"dbname = d\tsslmode=disable":                           FormPostgresKeywords,
		"host=/var/run/postgresql password='a b' search_path=x": FormPostgresKeywords,
		"host=h password='unterminated":                         FormPostgresKeywords,
		"app:pw@tcp(127.0.0.1:3306)/db?parseTime=true":          FormMySQL,
		"app:p@ss/w(r)d@tcp(h:3306)/db":                         FormMySQL,
		"app@unix(/run/mysqld/mysqld.sock)/db":                  FormMySQL,
		"tcp(h:3306)/db":                                        FormMySQL,
		"app:pw@/db":                                            FormMySQL,
		"file:app.db":                                           FormSQLite,
		"file:data/app?mode=ro":                                 FormSQLite,
		"file:x?mode=memory&cache=shared":                       FormSQLite,
		"file::memory:":                                         FormSQLite,
		":memory:":                                              FormSQLite,
		"app.db":                                                FormSQLite,
		"/var/lib/App.SQLite3":                                  FormSQLite,
		"data/app.sqlite?_pragma=busy_timeout(5000)":            FormSQLite,
		"file:cluster.yaml":                                     FormConfig,
		"file:conf/cluster.JSON":                                FormConfig,
		"cluster.yml":                                           FormConfig,
		"/etc/grant/cluster.yaml":                               FormConfig,
		"host=h dbname=x.db":                                    FormPostgresKeywords,
		"app:pw@tcp(h)/db?loc=Local&timeout=1s&x=a.db":          FormMySQL,
		"postgres://u:pw@h/app.db?application_name=x.y":         FormPostgresURL,
	} {
		got, err := Detect(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	assert.Equal(t, dialect.MySQL, FormMySQL.Dialect())
	assert.Equal(t, dialect.Unknown, FormConfig.Dialect())
	assert.Equal(t, "a PostgreSQL key=value DSN", FormPostgresKeywords.String())
}

func TestDetectRefuses(t *testing.T) {
	for in, want := range map[string]struct {
		err  error
		text string
	}{
		"":                            {ErrUnrecognized, "empty name"},
		"app":                         {ErrUnrecognized, "want a .yaml"},
		"mysql://app:pw@h/db":         {ErrUnrecognized, "not a go-sql-driver/mysql DSN"},
		"sqlite:///x.db":              {ErrUnrecognized, "file:path.db"},
		"POSTGRES://h/db":             {ErrUnrecognized, "lower case"},
		"redis://h":                   {ErrUnrecognized, "unsupported URL scheme"},
		"mode=memory":                 {ErrUnrecognized, "want"},
		"cluster.toml":                {ErrUnrecognized, "want"},
		"file:cluster":                {ErrAmbiguous, "a file: name needs"},
		"file:cluster.yaml?mode=ro":   {ErrAmbiguous, "config file takes no query"},
		"app:pw@tcp(h)/x.db":          {ErrAmbiguous, "a MySQL DSN or a SQLite file"},
		"password=a@tcp(b)/c host=h":  {ErrAmbiguous, "a MySQL DSN or a PostgreSQL key=value DSN"},
		"me@/backup.sqlite":           {ErrAmbiguous, "a MySQL DSN or a SQLite file"},
		"host=h password=s3cret x.db": {ErrUnrecognized, "want"},
	} {
		f, err := Detect(in)
		assert.Equal(t, FormUnknown, f, in)
		var de *DetectError
		require.ErrorAs(t, err, &de, in)
		assert.ErrorIs(t, err, want.err, in)
		assert.Contains(t, err.Error(), want.text, in)
		if in != "" {
			assert.NotContains(t, err.Error(), in, "Detect never echoes its input")
		}
		assert.NotContains(t, err.Error(), "pw")
		assert.NotContains(t, err.Error(), "s3cret")
	}
}
