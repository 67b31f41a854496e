package analyze

import (
	"go/ast"
	goparser "go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lexed is a token as the tests spell it: kind and text.
type lexed struct {
	kind TokenKind
	text string
}

func lexAllTest(d dialect.Dialect, src string) []lexed {
	var lx Lexer
	lx.Reset(d, src)
	var out []lexed
	for t := lx.Next(); t.Kind != TokEOF; t = lx.Next() {
		out = append(out, lexed{t.Kind, t.Text(src)})
	}
	return out
}

func TestLexPostgres(t *testing.T) {
	src := `SELECT $1, $tag$ it's $x$ $tag$, E'a\'b', U&'d\0061t', B'01', X'ff', N'n', "q""x", ` +
		"1.5e3, 0x1F, 1_000, .5, a::int, a$b, x->>'k', a<=-1 -- c\n /* a /* b */ c */ :name ?"
	assert.Equal(t, []lexed{
		{TokIdent, "SELECT"}, {TokPlaceholder, "$1"}, {TokPunct, ","},
		{TokString, "$tag$ it's $x$ $tag$"}, {TokPunct, ","},
		{TokString, `E'a\'b'`}, {TokPunct, ","}, {TokString, `U&'d\0061t'`}, {TokPunct, ","},
		{TokString, "B'01'"}, {TokPunct, ","}, {TokString, "X'ff'"}, {TokPunct, ","},
		{TokString, "N'n'"}, {TokPunct, ","}, {TokQuotedIdent, `"q""x"`}, {TokPunct, ","},
		{TokNumber, "1.5e3"}, {TokPunct, ","}, {TokNumber, "0x1F"}, {TokPunct, ","},
		{TokNumber, "1_000"}, {TokPunct, ","}, {TokNumber, ".5"}, {TokPunct, ","},
		{TokIdent, "a"}, {TokOperator, "::"}, {TokIdent, "int"}, {TokPunct, ","},
		{TokIdent, "a$b"}, {TokPunct, ","}, {TokIdent, "x"}, {TokOperator, "->>"}, {TokString, "'k'"},
		{TokPunct, ","}, {TokIdent, "a"}, {TokOperator, "<="}, {TokOperator, "-"}, {TokNumber, "1"},
		{TokComment, "-- c"}, {TokComment, "/* a /* b */ c */"}, {TokPlaceholder, ":name"},
		{TokOperator, "?"},
	}, lexAllTest(dialect.Postgres, src))
}

func TestLexMySQL(t *testing.T) {
	src := "SELECT ?, 'a\\'b', \"s\", `q``x`, @v, @@global.x, @'q v', 1abc, 0x1F, a<=>b # c\n" +
		"-- c\n1--1 /* a /* b */ x /*! DELETE */ :n"
	assert.Equal(t, []lexed{
		{TokIdent, "SELECT"}, {TokPlaceholder, "?"}, {TokPunct, ","},
		{TokString, `'a\'b'`}, {TokPunct, ","}, {TokString, `"s"`}, {TokPunct, ","},
		{TokQuotedIdent, "`q``x`"}, {TokPunct, ","}, {TokVariable, "@v"}, {TokPunct, ","},
		{TokVariable, "@@global.x"}, {TokPunct, ","}, {TokVariable, "@'q v'"}, {TokPunct, ","},
		{TokIdent, "1abc"}, {TokPunct, ","}, {TokNumber, "0x1F"}, {TokPunct, ","},
		{TokIdent, "a"}, {TokOperator, "<=>"}, {TokIdent, "b"}, {TokComment, "# c"},
		{TokComment, "-- c"}, {TokNumber, "1"}, {TokOperator, "-"}, {TokOperator, "-"}, {TokNumber, "1"},
		{TokComment, "/* a /* b */"}, {TokIdent, "x"}, {TokIdent, "DELETE"}, {TokPlaceholder, ":n"},
	}, lexAllTest(dialect.MySQL, src))
}

func TestLexSQLite(t *testing.T) {
	src := "SELECT ?1, ?, :a, @b, $c, [x y], x'ff', \"q\", `b` /* a /* b */ c"
	assert.Equal(t, []lexed{
		{TokIdent, "SELECT"}, {TokPlaceholder, "?1"}, {TokPunct, ","}, {TokPlaceholder, "?"},
		{TokPunct, ","}, {TokPlaceholder, ":a"}, {TokPunct, ","}, {TokPlaceholder, "@b"},
		{TokPunct, ","}, {TokPlaceholder, "$c"}, {TokPunct, ","}, {TokQuotedIdent, "[x y]"},
		{TokPunct, ","}, {TokString, "x'ff'"}, {TokPunct, ","}, {TokQuotedIdent, `"q"`},
		{TokPunct, ","}, {TokQuotedIdent, "`b`"}, {TokComment, "/* a /* b */"}, {TokIdent, "c"},
	}, lexAllTest(dialect.SQLite, src))
}

func TestLexFlagsAndOrdinals(t *testing.T) {
	var lx Lexer
	lx.Reset(dialect.SQLite, "?2 ? :a @a :a ?")
	var ords []int32
	for tk := lx.Next(); tk.Kind != TokEOF; tk = lx.Next() {
		ords = append(ords, tk.Ord)
	}
	assert.Equal(t, []int32{2, 3, 4, 5, 4, 6}, ords)
	assert.Equal(t, 6, lx.MaxOrdinal())

	lx.Reset(dialect.MySQL, "SELECT /*!50100 a */ b")
	toks := []Token{lx.Next(), lx.Next(), lx.Next(), lx.Next()}
	assert.True(t, lx.Exec)
	assert.Zero(t, toks[0].Flags&FlagExec)
	assert.NotZero(t, toks[1].Flags&FlagExec)
	assert.Zero(t, toks[2].Flags&FlagExec)
	assert.Equal(t, TokEOF, toks[3].Kind)

	flags := func(d dialect.Dialect, src string) TokenFlags {
		lx.Reset(d, src)
		return lx.Next().Flags
	}
	assert.NotZero(t, flags(dialect.MySQL, `'a\'b'`)&FlagBackslashQuote)
	assert.NotZero(t, flags(dialect.MySQL, `"a\"b"`)&FlagBackslashQuote)
	assert.Zero(t, flags(dialect.MySQL, `'a\\' `)&FlagBackslashQuote)
	assert.Zero(t, flags(dialect.MySQL, `'a\"b'`)&FlagBackslashQuote)
	assert.NotZero(t, flags(dialect.Postgres, `E'a\'b'`)&FlagBackslash)

	for _, src := range []string{"'abc", `"abc`, "/* abc", "$x$ abc", "$1abc", "\x00"} {
		lx.Reset(dialect.Postgres, src)
		for lx.Next().Kind != TokEOF {
		}
		assert.Equal(t, 1, lx.Bad, "%q", src)
	}
}

func TestTokenValues(t *testing.T) {
	value := func(d dialect.Dialect, src string) string {
		var lx Lexer
		lx.Reset(d, src)
		tk := lx.Next()
		switch tk.Kind {
		case TokString:
			return tk.StringValue(src)
		case TokQuotedIdent, TokIdent:
			return tk.Ident(src)
		case TokPlaceholder:
			return tk.PlaceholderName(src)
		}
		text, _, _ := tk.Number(src)
		return text
	}
	pg, my, sl := dialect.Postgres, dialect.MySQL, dialect.SQLite
	assert.Equal(t, "it's", value(pg, "'it''s'"))
	assert.Equal(t, `a\nb`, value(pg, `'a\nb'`))
	assert.Equal(t, "it's\n\x01", value(pg, `E'it\'s\n\x01'`))
	assert.Equal(t, "é", value(pg, `e'\u00e9'`))
	assert.Equal(t, " body $$ ", value(pg, "$t$ body $$ $t$"))
	assert.Equal(t, "", value(pg, "$$$$"))
	assert.Equal(t, "01", value(pg, "B'01'"))
	assert.Equal(t, `d\0061t`, value(pg, `U&'d\0061t'`))
	assert.Equal(t, "it's \\% \x1a\"", value(my, `'it\'s \% \Z\"'`))
	assert.Equal(t, `say "hi"`, value(my, `"say ""hi"""`))
	assert.Equal(t, "x", value(my, "N'x'"))
	assert.Equal(t, `a"b`, value(pg, `"a""b"`))
	assert.Equal(t, "a`b", value(my, "`a``b`"))
	assert.Equal(t, "x y", value(sl, "[x y]"))
	assert.Equal(t, "Ab", value(pg, `U&"Ab"`))
	assert.Equal(t, "name", value(sl, ":name"))
	assert.Equal(t, "", value(pg, "$3"))
	assert.Equal(t, "1000", value(pg, "1_000"))

	var lx Lexer
	lx.Reset(pg, "42 4.2")
	_, n, isInt := lx.Next().Number("42 4.2")
	assert.Equal(t, int64(42), n)
	assert.True(t, isInt)
	_, _, isInt = lx.Next().Number("42 4.2")
	assert.False(t, isInt)
}

func TestKeywords(t *testing.T) {
	assert.Equal(t, KwSelect, LookupKeyword("SELECT"))
	assert.Equal(t, KwSelect, LookupKeyword("sElEcT"))
	assert.Equal(t, KwSqlCalcFoundRows, LookupKeyword("SQL_CALC_FOUND_ROWS"))
	assert.Equal(t, KwNone, LookupKeyword("selects"))
	assert.Equal(t, KwNone, LookupKeyword("users"))
	assert.Equal(t, KwNone, LookupKeyword(""))
	assert.Equal(t, "select", KwSelect.String())
	assert.True(t, KwFrom.Reserved())
	assert.False(t, KwLevel.Reserved())
	allocs := testing.AllocsPerRun(100, func() { LookupKeyword("Returning") })
	assert.Zero(t, allocs)
	for k := KwNone + 1; k < kwCount; k++ {
		assert.Equal(t, k, LookupKeyword(strings.ToUpper(k.String())), k.String())
	}
}

// TestKeywordConstantsMatchList checks that the Keyword constants, in
// source order, spell keywordList word by word.
func TestKeywordConstantsMatchList(t *testing.T) {
	f, err := goparser.ParseFile(token.NewFileSet(), "keywords.go", nil, 0)
	require.NoError(t, err)
	var consts []string
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			for _, n := range spec.(*ast.ValueSpec).Names {
				if strings.HasPrefix(n.Name, "Kw") && n.Name != "KwNone" {
					consts = append(consts, n.Name)
				}
			}
		}
	}
	words := strings.Fields(keywordList)
	require.Len(t, consts, len(words))
	for i, w := range words {
		want := "Kw"
		for _, part := range strings.Split(w, "_") {
			want += strings.ToUpper(part[:1]) + part[1:]
		}
		assert.Equal(t, want, consts[i])
	}
}
