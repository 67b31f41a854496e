package sanitize

import (
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

func TestHash(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    map[string]any
		want [3]string
	}{
		{"basic", map[string]any{"c": []int{1, 2}, "b": nil, "a": 1}, [3]string{
			`"a" = 1 AND "b" IS NULL AND "c" IN (1, 2)`,
			"`a` = 1 AND `b` IS NULL AND `c` IN (1, 2)",
			`"a" = 1 AND "b" IS NULL AND "c" IN (1, 2)`}},
		{"qualified and quoted", map[string]any{"users.name": "O'Brien"}, [3]string{
			`"users"."name" = 'O''Brien'`, "`users`.`name` = 'O''Brien'", `"users"."name" = 'O''Brien'`}},
		{"null valuer", map[string]any{"n": sql.NullInt64{}, "p": (*int)(nil)}, [3]string{
			`"n" IS NULL AND "p" IS NULL`, "`n` IS NULL AND `p` IS NULL", `"n" IS NULL AND "p" IS NULL`}},
		{"empty list", map[string]any{"id": []int{}}, [3]string{"1=0", "1=0", "1=0"}},
		{"list with null", map[string]any{"id": []any{1, nil, 2}}, [3]string{
			`("id" IN (1, 2) OR "id" IS NULL)`, "(`id` IN (1, 2) OR `id` IS NULL)", `("id" IN (1, 2) OR "id" IS NULL)`}},
		{"list of nulls", map[string]any{"id": []any{nil}}, [3]string{`"id" IS NULL`, "`id` IS NULL", `"id" IS NULL`}},
		{"bytes are a value", map[string]any{"b": []byte{1}}, [3]string{`"b" = E'\\x01'::bytea`, "`b` = X'01'", `"b" = X'01'`}},
		{"the string NULL is not NULL", map[string]any{"s": "NULL"}, [3]string{`"s" = 'NULL'`, "`s` = 'NULL'", `"s" = 'NULL'`}},
		{"empty map", map[string]any{}, [3]string{"!ErrEmpty", "!ErrEmpty", "!ErrEmpty"}},
		{"bad key", map[string]any{"a.": 1}, [3]string{"!ErrInvalidIdent", "!ErrInvalidIdent", "!ErrInvalidIdent"}},
		{"bad value", map[string]any{"a": struct{}{}}, [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
		{"bad element", map[string]any{"a": []any{1, struct{}{}}}, [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
	} {
		for i, d := range []dialect.Dialect{pg, my, sq} {
			t.Run(tc.name+"/"+d.String(), func(t *testing.T) {
				got, err := Hash(d, tc.m)
				checkQuote(t, got, err, tc.want[i])
			})
		}
	}
}

func TestAssignments(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    map[string]any
		want [3]string
	}{
		{"basic", map[string]any{"b": "x", "a": 1, "c": nil}, [3]string{
			`"a" = 1, "b" = 'x', "c" = NULL`, "`a` = 1, `b` = 'x', `c` = NULL", `"a" = 1, "b" = 'x', "c" = NULL`}},
		{"bytes", map[string]any{"b": []byte{}}, [3]string{`"b" = E'\\x'::bytea`, "`b` = X''", `"b" = X''`}},
		{"list", map[string]any{"a": []int{1}}, [3]string{"!ErrUnsupportedType", "!ErrUnsupportedType", "!ErrUnsupportedType"}},
		{"empty", nil, [3]string{"!ErrEmpty", "!ErrEmpty", "!ErrEmpty"}},
	} {
		for i, d := range []dialect.Dialect{pg, my, sq} {
			t.Run(tc.name+"/"+d.String(), func(t *testing.T) {
				got, err := Assignments(d, tc.m)
				checkQuote(t, got, err, tc.want[i])
			})
		}
	}
}

func TestHashErrorsNameTheKey(t *testing.T) {
	_, err := Hash(pg, map[string]any{"a": 1, "email": make(chan int)})
	require.EqualError(t, err, `sanitize: key "email": unsupported type: chan int`)
	var ae *ArgError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "email", ae.Name)
	_, err = Assignments(pg, map[string]any{"tags": []string{"a"}})
	require.EqualError(t, err, `sanitize: key "tags": unsupported type: []string: a list cannot be assigned`)
	_, err = Hash(pg, nil)
	require.EqualError(t, err, "sanitize: empty map")
	_, err = Hash(dialect.Unknown, map[string]any{"a": 1})
	require.ErrorIs(t, err, ErrUnknownDialect)
}
