package sanitize

import (
	"strings"
	"unicode/utf8"
)

// Like escapes the LIKE wildcards % and _, and escape itself, with escape,
// the Go form of Rails' sanitize_sql_like: Like("50%_off", '\\') is
// `50\%\_off`. The result is a value, not a literal: pass it as a bind
// parameter or through Quote. SQLite has no default escape character, so
// name it with ESCAPE; that works in every dialect and session when the
// escape character is itself written with Quote:
//
//	pattern, _ := sanitize.Quote(d, "%"+sanitize.Like(term, '\\')+"%")
//	esc, _ := sanitize.Quote(d, `\`)
//	where := "name LIKE " + pattern + " ESCAPE " + esc
//
// escape must not be %, _ or an invalid rune; Like panics if it is, as the
// escape character is fixed in code.
func Like(s string, escape rune) string {
	if escape == '%' || escape == '_' || !utf8.ValidRune(escape) {
		panic("sanitize: Like: escape character must not be % or _ or invalid")
	}
	var esc [utf8.UTFMax]byte
	e := string(esc[:utf8.EncodeRune(esc[:], escape)])
	if !strings.ContainsAny(s, "%_") && !strings.Contains(s, e) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for len(s) > 0 {
		switch {
		case s[0] == '%' || s[0] == '_':
			b.WriteString(e)
			b.WriteByte(s[0])
			s = s[1:]
		case strings.HasPrefix(s, e):
			b.WriteString(e)
			b.WriteString(e)
			s = s[len(e):]
		default:
			b.WriteByte(s[0])
			s = s[1:]
		}
	}
	return b.String()
}
