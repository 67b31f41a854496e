// Package dsntest generates DSNs of every driver's syntax around a known
// password, for fuzz tests that check the password never leaks.
package dsntest

import (
	"net/url"
	"strings"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/dsn"
)

// Sentinel is part of every generated password, and of nothing else in a
// generated DSN (whose other parts are lower case), so finding it in an
// output means a password leaked.
const Sentinel = "S3NT1N3L"

// Generated is one generated DSN around a password.
type Generated struct {
	DSN       string
	Dialect   dialect.Dialect
	Form      dsn.Form
	Start     int    // the password's byte range in DSN, as written
	End       int    // (Start == End when the form has no password)
	Password  string // the password's value (decoded)
	CanDetect bool   // whether Detect must recognize DSN as Form
}

// spaces are the white space bytes libpq and pgx accept around '='.
const spaces = " \t\n\r\v\f"

// Generate builds a DSN of one of seven syntaxes (form modulo 7) whose
// password is pre+Sentinel+post: a pgx URL with the password raw or escaped
// in the userinfo or in the query, a pgx keyword/value string with the
// password unquoted (backslash escapes) or quoted, and odd white space
// around '=', a go-sql-driver/mysql DSN, or a SQLite file (no password).
// knobs chooses the white space and the other parts.
func Generate(form uint8, pre, post string, knobs uint16) Generated {
	pw := pre + Sentinel + post
	user := []string{"app", "u", "grant_app", ""}[knobs&3]
	host := []string{"127.0.0.1:5432", "db.example", "[::1]:5432", "h1,h2:5433"}[knobs>>2&3]
	ws := func(shift uint) string {
		n := int(knobs>>shift) & 3
		return strings.Repeat(string(spaces[(int(knobs)+n)%len(spaces)]), n)
	}
	g := Generated{Dialect: dialect.Postgres, Password: pw, CanDetect: true}
	var head, written, tail string
	switch form % 7 {
	case 0: // URL, raw userinfo password (whatever the parser makes of it)
		g.Form = dsn.FormPostgresURL
		head, written, tail = "postgres://"+user+":", pw, "@"+host+"/app?sslmode=disable"
	case 1: // URL, escaped userinfo password
		g.Form = dsn.FormPostgresURL
		u := url.URL{Scheme: "postgresql", User: url.UserPassword(user, pw), Host: "h", Path: "/app"}
		s := u.String()
		i := len("postgresql://") + len(url.UserPassword(user, "").String()) // "user:"
		j := strings.LastIndexByte(s, '@')
		head, written, tail = s[:i], s[i:j], s[j:]
	case 2: // URL, password in the query
		g.Form = dsn.FormPostgresURL
		head = "postgres://" + user + "@" + host + "/app?sslmode=disable&password="
		written, tail = url.QueryEscape(pw), "&application_name=x"
	case 3: // keyword/value, unquoted with backslash escapes
		g.Form = dsn.FormPostgresKeywords
		head = "host=h" + ws(4) + " user=" + user + "x password" + ws(6) + "=" + ws(8)
		r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, " ", `\ `, "\t", "\\\t", "\n", "\\\n", "\r", "\\\r", "\v", "\\\v", "\f", "\\\f")
		written, tail = r.Replace(pw), " dbname=app"+ws(10)
	case 4: // keyword/value, quoted
		g.Form = dsn.FormPostgresKeywords
		head = ws(4) + "dbname" + ws(6) + "=" + ws(8) + "app password" + ws(10) + "=" + ws(12) + "'"
		written, tail = strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(pw), "' host=h"
	case 5: // go-sql-driver/mysql: the password is everything between the
		// first ':' and the last '@' before the last '/'
		g.Dialect, g.Form = dialect.MySQL, dsn.FormMySQL
		head, written, tail = user+"x:", pw, "@tcp(127.0.0.1:3306)/app?parseTime=true&loc=Local"
		// "(x)@tcp(h)/" inside a password also reads as a network part, and
		// "@/" as an empty one: Detect may fairly call such a DSN ambiguous.
		g.CanDetect = !strings.ContainsAny(pw, "()/")
	default: // SQLite: no password
		g.Dialect, g.Form = dialect.SQLite, dsn.FormSQLite
		g.DSN = "file:" + strings.Map(pathByte, pre) + ".db?_pragma=busy_timeout(5000)"
		g.Password = ""
		return g
	}
	g.DSN = head + written + tail
	g.Start, g.End = len(head), len(head)+len(written)
	if g.Form == dsn.FormPostgresKeywords && strings.ContainsAny(pw, "()@/") {
		g.CanDetect = false // may also read as a MySQL network part
	}
	return g
}

// pathByte keeps the bytes of a plain file name.
func pathByte(r rune) rune {
	if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
		return r
	}
	return 'p'
}
