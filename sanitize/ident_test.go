package sanitize

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

func TestQuoteIdent(t *testing.T) {
	for _, tc := range []struct {
		name string
		want [3]string // PostgreSQL, MySQL, SQLite
	}{
		{"users", [3]string{`"users"`, "`users`", `"users"`}},
		{"public.users", [3]string{`"public"."users"`, "`public`.`users`", `"public"."users"`}},
		{"db.public.users", [3]string{`"db"."public"."users"`, "`db`.`public`.`users`", `"db"."public"."users"`}},
		{"Order", [3]string{`"Order"`, "`Order`", `"Order"`}},
		{`we"ird`, [3]string{`"we""ird"`, "`we\"ird`", `"we""ird"`}},
		{"back`tick", [3]string{"\"back`tick\"", "`back``tick`", "\"back`tick\""}},
		{"a b; DROP TABLE x --", [3]string{`"a b; DROP TABLE x --"`, "`a b; DROP TABLE x --`", `"a b; DROP TABLE x --"`}},
		{"tâble", [3]string{`"tâble"`, "`tâble`", `"tâble"`}},
		{"", [3]string{"!ErrInvalidIdent", "!ErrInvalidIdent", "!ErrInvalidIdent"}},
		{"schema.", [3]string{"!ErrInvalidIdent", "!ErrInvalidIdent", "!ErrInvalidIdent"}},
		{".table", [3]string{"!ErrInvalidIdent", "!ErrInvalidIdent", "!ErrInvalidIdent"}},
		{"a..b", [3]string{"!ErrInvalidIdent", "!ErrInvalidIdent", "!ErrInvalidIdent"}},
		{"a\x00b", [3]string{"!ErrInvalidIdent", "!ErrInvalidIdent", "!ErrInvalidIdent"}},
		{"a\xffb", [3]string{"!ErrInvalidUTF8", "!ErrInvalidUTF8", "!ErrInvalidUTF8"}},
	} {
		for i, d := range []dialect.Dialect{pg, my, sq} {
			got, err := QuoteIdent(d, tc.name)
			t.Run(tc.name+"/"+d.String(), func(t *testing.T) { checkQuote(t, got, err, tc.want[i]) })
		}
	}
}

func TestQuoteIdentParts(t *testing.T) {
	got, err := QuoteIdentParts(pg, "public", "a.b")
	require.NoError(t, err)
	assert.Equal(t, `"public"."a.b"`, got)
	got, err = QuoteIdentParts(my, "x`y")
	require.NoError(t, err)
	assert.Equal(t, "`x``y`", got)
	_, err = QuoteIdentParts(pg)
	require.ErrorIs(t, err, ErrInvalidIdent)
	_, err = QuoteIdentParts(pg, "a", "")
	require.ErrorIs(t, err, ErrInvalidIdent)
	_, err = QuoteIdent(dialect.Unknown, "a")
	require.ErrorIs(t, err, ErrUnknownDialect)
}
