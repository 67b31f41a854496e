package sanitize

import (
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

type arrayCase struct {
	name string
	tmpl string
	args []any
	want [3]string // PostgreSQL, MySQL, SQLite; "!" + sentinel for an error
}

var arrayCases = []arrayCase{
	{"positional", "name = ? AND age > ?", []any{"O'Brien", 30},
		[3]string{"name = 'O''Brien' AND age > 30", "name = 'O''Brien' AND age > 30", "name = 'O''Brien' AND age > 30"}},
	{"no placeholders", "SELECT 1", nil, [3]string{"SELECT 1", "SELECT 1", "SELECT 1"}},
	{"in list", "id IN (?)", []any{[]int{1, 2, 3}},
		[3]string{"id IN (1, 2, 3)", "id IN (1, 2, 3)", "id IN (1, 2, 3)"}},
	{"in list of strings", "name IN (?)", []any{[]string{"a", "b'c"}},
		[3]string{"name IN ('a', 'b''c')", "name IN ('a', 'b''c')", "name IN ('a', 'b''c')"}},
	{"in array", "id IN (?)", []any{[2]int64{7, 8}}, [3]string{"id IN (7, 8)", "id IN (7, 8)", "id IN (7, 8)"}},
	{"empty list is NULL", "id IN (?)", []any{[]int{}}, [3]string{"id IN (NULL)", "id IN (NULL)", "id IN (NULL)"}},
	{"bytes are one value", "b = ?", []any{[]byte("hi")},
		[3]string{`b = E'\\x6869'::bytea`, "b = X'6869'", "b = X'6869'"}},
	{"quote in string literal", "SELECT '?', ?", []any{1}, [3]string{"SELECT '?', 1", "SELECT '?', 1", "SELECT '?', 1"}},
	{"doubled quote in literal", "SELECT 'it''s ?', ?", []any{1},
		[3]string{"SELECT 'it''s ?', 1", "SELECT 'it''s ?', 1", "SELECT 'it''s ?', 1"}},
	{"quoted identifier", `SELECT "a?" FROM t WHERE x = ?`, []any{1},
		[3]string{`SELECT "a?" FROM t WHERE x = 1`, `SELECT "a?" FROM t WHERE x = 1`, `SELECT "a?" FROM t WHERE x = 1`}},
	{"line comment", "SELECT ? -- why?\n, ?", []any{1, 2},
		[3]string{"SELECT 1 -- why?\n, 2", "SELECT 1 -- why?\n, 2", "SELECT 1 -- why?\n, 2"}},
	{"block comment", "SELECT /* ? */ ?", []any{1}, [3]string{"SELECT /* ? */ 1", "SELECT /* ? */ 1", "SELECT /* ? */ 1"}},
	{"escaped question mark", "SELECT data ?? 'k', data ??| f(?)", []any{"a"},
		[3]string{"SELECT data ? 'k', data ?| f('a')", "SELECT data ? 'k', data ?| f('a')", "SELECT data ? 'k', data ?| f('a')"}},
	{"negative after minus", "SELECT 5-?", []any{-1}, [3]string{"SELECT 5-(-1)", "SELECT 5-(-1)", "SELECT 5-(-1)"}},
	{"value next to a word", "SELECT x?y", []any{1}, [3]string{"SELECT x 1 y", "SELECT x 1 y", "SELECT x 1 y"}},
	{"string after a word", "SELECT E?", []any{"a"}, [3]string{"SELECT E 'a'", "SELECT E 'a'", "SELECT E 'a'"}},
	{"string next to a literal", "SELECT ?'x'", []any{"a"}, [3]string{"SELECT 'a' 'x'", "SELECT 'a' 'x'", "SELECT 'a' 'x'"}},
	{"number before a dot", "SELECT ?.5", []any{1}, [3]string{"SELECT 1 .5", "SELECT 1 .5", "SELECT 1 .5"}},
	{"dollar", "SELECT $?", []any{1}, [3]string{"SELECT $ 1", "SELECT $ 1", "SELECT $ 1"}},
	{"cast", "SELECT ?::int", []any{"1"}, [3]string{"SELECT '1'::int", "SELECT '1'::int", "SELECT '1'::int"}},
	{"too few", "a = ? AND b = ?", []any{1}, [3]string{"!ErrArgCount", "!ErrArgCount", "!ErrArgCount"}},
	{"too many", "a = ?", []any{1, 2}, [3]string{"!ErrArgCount", "!ErrArgCount", "!ErrArgCount"}},
	{"none expected", "SELECT 1", []any{1}, [3]string{"!ErrArgCount", "!ErrArgCount", "!ErrArgCount"}},
	{"bad value", "a = ?", []any{make(chan int)}, [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
	{"bad element", "a IN (?)", []any{[]any{1, struct{}{}}}, [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
	{"nested list", "a IN (?)", []any{[][]int{{1}}}, [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
	{"time is a value", "t < ?", []any{time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}, [3]string{
		"t < '2024-01-02 00:00:00+00:00'::timestamptz", "t < TIMESTAMP'2024-01-02 00:00:00'", "t < '2024-01-02 00:00:00+00:00'"}},
	{"valuer struct is a value", "n = ?", []any{sql.NullInt64{Int64: 4, Valid: true}}, [3]string{"n = 4", "n = 4", "n = 4"}},

	// Named form.
	{"named map", "name = :name AND age > :age", []any{map[string]any{"name": "x'y", "age": 3, "unused": 1}},
		[3]string{"name = 'x''y' AND age > 3", "name = 'x''y' AND age > 3", "name = 'x''y' AND age > 3"}},
	{"named typed map", "id IN (:ids)", []any{map[string][]int{"ids": {1, 2}}},
		[3]string{"id IN (1, 2)", "id IN (1, 2)", "id IN (1, 2)"}},
	{"named repeated", ":a + :a", []any{map[string]any{"a": 2}}, [3]string{"2 + 2", "2 + 2", "2 + 2"}},
	{"named leaves casts and assignments", "SELECT :a::text, @v := 1, ':a', ?", []any{map[string]any{"a": 1}},
		[3]string{"SELECT 1::text, @v := 1, ':a', ?", "SELECT 1::text, @v := 1, ':a', ?", "SELECT 1::text, @v := 1, ':a', ?"}},
	{"named missing", ":a :b", []any{map[string]any{"a": 1}}, [3]string{"!ErrMissingName", "!ErrMissingName", "!ErrMissingName"}},
	{"named without placeholders", "a = ?", []any{map[string]any{"a": 1}}, [3]string{"!ErrArgCount", "!ErrArgCount", "!ErrArgCount"}},
	{"positional leaves :name alone", "SELECT ':x', :x, ?", []any{1},
		[3]string{"SELECT ':x', :x, 1", "SELECT ':x', :x, 1", "SELECT ':x', :x, 1"}},
}

func TestArray(t *testing.T) {
	for _, tc := range arrayCases {
		for i, d := range []dialect.Dialect{pg, my, sq} {
			t.Run(tc.name+"/"+d.String(), func(t *testing.T) {
				got, err := Array(d, tc.tmpl, tc.args...)
				checkQuote(t, got, err, tc.want[i])
			})
		}
	}
}

func TestArrayDialectLexing(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    Quoter
		tmpl string
		want string
	}{
		{"pg escape string", Quoter{Dialect: pg}, `SELECT E'\'?', ?`, `SELECT E'\'?', 1`},
		{"pg escape string after word", Quoter{Dialect: pg}, `SELECT xe'?', ?`, `SELECT xe'?', 1`},
		{"pg dollar quote", Quoter{Dialect: pg}, "SELECT $$ ? ' $$, $tag$ ?$$ $tag$, ?", "SELECT $$ ? ' $$, $tag$ ?$$ $tag$, 1"},
		{"pg positional params left alone", Quoter{Dialect: pg}, "SELECT $1, ?", "SELECT $1, 1"},
		{"pg nested comment", Quoter{Dialect: pg}, "SELECT /* /* ? */ ? */ ?", "SELECT /* /* ? */ ? */ 1"},
		{"pg identifier with $", Quoter{Dialect: pg}, "SELECT a$b$, ?", "SELECT a$b$, 1"},
		{"mysql backslash escape", Quoter{Dialect: my}, `SELECT '\'?', ?`, `SELECT '\'?', 1`},
		{"mysql double-quoted string", Quoter{Dialect: my}, `SELECT "\"?", ?`, `SELECT "\"?", 1`},
		{"mysql no backslash escapes", Quoter{Dialect: my, NoBackslashEscapes: true}, `SELECT '\', ?`, `SELECT '\', 1`},
		{"mysql backtick", Quoter{Dialect: my}, "SELECT `?`, ?", "SELECT `?`, 1"},
		{"mysql hash comment", Quoter{Dialect: my}, "SELECT ? # ?\n", "SELECT 1 # ?\n"},
		{"mysql -- needs a space", Quoter{Dialect: my}, "SELECT 5--?", "SELECT 5--1"},
		{"mysql -- needs a space, negative", Quoter{Dialect: my}, "SELECT 5--?", "SELECT 5--1"},
		{"mysql -- comment", Quoter{Dialect: my}, "SELECT ? -- ?", "SELECT 1 -- ?"},
		{"mysql flat comment", Quoter{Dialect: my}, "SELECT /* /* */ ?", "SELECT /* /* */ 1"},
		{"sqlite brackets", Quoter{Dialect: sq}, "SELECT [a?], ?", "SELECT [a?], 1"},
		{"sqlite backticks", Quoter{Dialect: sq}, "SELECT `a?`, ?", "SELECT `a?`, 1"},
		{"sqlite no backslash", Quoter{Dialect: sq}, `SELECT '\', ?`, `SELECT '\', 1`},
		{"unterminated literal", Quoter{Dialect: pg}, "SELECT ?, 'abc ?", "SELECT 1, 'abc ?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.q.Array(tc.tmpl, 1)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	// MySQL: 5--? with -1 is 5 - - -1; a space after -- would start a comment.
	got, err := Array(my, "SELECT 5--?", -1)
	require.NoError(t, err)
	assert.Equal(t, "SELECT 5--(-1)", got)
}

func TestArrayAmbiguousPostgresLiteral(t *testing.T) {
	_, err := Array(pg, `SELECT '\' , ?`, 1)
	require.ErrorIs(t, err, ErrAmbiguousLiteral)
	// After the placeholder, or as E'', it is fine.
	got, err := Array(pg, `SELECT ?, '\'`, 1)
	require.NoError(t, err)
	assert.Equal(t, `SELECT 1, '\'`, got)
	got, err = Array(pg, `SELECT E'\\', ?`, 1)
	require.NoError(t, err)
	assert.Equal(t, `SELECT E'\\', 1`, got)
}

type account struct {
	ID      int64  `db:"id"`
	Email   string `db:"email_address,omitempty"`
	Name    string
	Secret  string `db:"-"`
	private int
	*audit
}

type audit struct{ CreatedBy string }

func TestArrayNamedStruct(t *testing.T) {
	a := account{ID: 7, Email: "a@b", Name: "Ann", Secret: "s", private: 1, audit: &audit{CreatedBy: "root"}}
	got, err := Array(pg, "id = :id AND email = :email_address AND name = :name AND by = :createdby", a)
	require.NoError(t, err)
	assert.Equal(t, "id = 7 AND email = 'a@b' AND name = 'Ann' AND by = 'root'", got)
	got, err = Array(pg, "name = :NAME", &a)
	require.NoError(t, err)
	assert.Equal(t, "name = 'Ann'", got)
	got, err = Array(pg, "by = :createdby", account{}) // nil embedded pointer
	require.NoError(t, err)
	assert.Equal(t, "by = NULL", got)
	for _, name := range []string{"secret", "private", "email"} {
		_, err = Array(pg, "x = :"+name, a)
		require.ErrorIs(t, err, ErrMissingName, name)
	}
	_, err = Array(pg, "x = :a", (*account)(nil))
	require.ErrorIs(t, err, ErrMissingName)
}

func TestArrayErrorsNameTheArgument(t *testing.T) {
	for _, tc := range []struct {
		tmpl string
		args []any
		want string
	}{
		{"? ? ?", []any{1, 2}, "sanitize: argument 3: placeholder count mismatch: the template has 3 placeholders and 2 arguments were given"},
		{"? ?", []any{1, 2, 3}, "sanitize: argument 3: placeholder count mismatch: the template has 2 placeholders and 3 arguments were given"},
		{"? ?", []any{1, make(chan int)}, "sanitize: argument 2: unsupported type: chan int"},
		{"? IN (?)", []any{1, []any{1, "a\x00"}}, "sanitize: argument 2: element 1: NUL byte in a PostgreSQL text value"},
		{"a = :a AND b = :b AND c = :email", []any{map[string]any{"a": 1, "b": 2}}, "sanitize: argument 3 (:email): no value for named placeholder"},
		{"a = :a AND b = :b", []any{map[string]any{"a": 1, "b": "\xff"}}, "sanitize: argument 2 (:b): invalid UTF-8: PostgreSQL rejects invalid UTF-8 in text"},
		{"x", []any{map[string]any{"a": 1}}, "sanitize: argument 1: placeholder count mismatch: a map or struct argument but no :name placeholder in the template"},
	} {
		_, err := Array(pg, tc.tmpl, tc.args...)
		require.EqualError(t, err, tc.want)
		var ae *ArgError
		require.ErrorAs(t, err, &ae)
	}
	_, err := Array(dialect.Unknown, "?", 1)
	require.ErrorIs(t, err, ErrUnknownDialect)
}
