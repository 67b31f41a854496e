// Package dsn handles the connection strings (DSNs) of the real drivers
// without ever exposing a secret: Redact masks every password for errors,
// logs and Stats, Scrub removes them from any text, Show decides how a string
// that might be a DSN may appear in a message, and Detect tells which
// driver's syntax a string is written in.
//
// Redaction is conservative. It knows pgx URLs (postgres://user:pw@host/db,
// password= and sslpassword= query parameters), PostgreSQL keyword/value
// strings (password = 'pw', any white space around '=', quoted or escaped
// values) and go-sql-driver/mysql DSNs (user:pw@tcp(host)/db, where the
// password may hold '@', ':', '/', '(' or ')'). Where a string's syntax is
// ambiguous it masks more than the password, never less: an '@' in a URL
// query hides the host too, and a string that is not in its dialect's
// syntax is masked by every rule at once.
package dsn

import (
	"strings"

	"github.com/grantsql/grant/dialect"
)

// Mask replaces a password in redacted DSNs.
const Mask = "xxxxx"

// Redact returns s with every part that may be a password replaced by Mask.
// d is the dialect whose driver reads s; dialect.Unknown applies every
// driver's rules.
func Redact(d dialect.Dialect, s string) string {
	f := find(d, s)
	if len(f.ranges) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, r := range f.ranges {
		b.WriteString(s[last:r.i])
		b.WriteString(Mask)
		last = r.j
	}
	b.WriteString(s[last:])
	return b.String()
}

// Secrets returns every form in which s's secrets may appear in a driver's
// or a server's message: each masked part as written in s, and its decoded
// value (percent-decoded in a URL, unquoted and unescaped in a keyword/value
// string), longest first. It is empty when s holds no password.
func Secrets(d dialect.Dialect, s string) []string {
	return find(d, s).forms
}

// Scrub returns text with s's secrets masked: every form Secrets returns,
// any copy of s whose password another redaction left partly visible
// (text between the password's neighbours in s), and any quoted fragment of
// a password, as drivers quote the bytes they could not parse.
func Scrub(d dialect.Dialect, s, text string) string {
	f := find(d, s)
	if len(f.ranges) == 0 {
		return text
	}
	parts := f.forms
	for _, r := range f.ranges {
		text = maskBetween(text, s[max(0, r.i-anchorLen):r.i], s[r.j:min(len(s), r.j+anchorLen)], r.j-r.i)
		parts = append(parts, s[r.i:r.j])
	}
	for _, form := range f.forms {
		text = strings.ReplaceAll(text, form, Mask)
	}
	return maskQuoted(text, parts)
}

// anchorLen is how much of a password's context in the DSN Scrub looks for.
const anchorLen = 12

// maskBetween masks, in text, whatever lies between an occurrence of left
// and the nearest following right, when it is not much longer than the
// password: a copy of the DSN redacted by other rules, such as a driver's.
func maskBetween(text, left, right string, size int) string {
	if len(left) < 2 {
		return text
	}
	limit := max(64, 2*size+len(Mask)+16)
	var b strings.Builder
	for {
		i := strings.Index(text, left)
		if i < 0 {
			break
		}
		start := i + len(left)
		b.WriteString(text[:start])
		text = text[start:]
		end := -1
		if right != "" {
			end = strings.Index(text, right)
		} else {
			end = strings.IndexAny(text, " \t\n\r\v\f`'\")")
			if end < 0 {
				end = len(text)
			}
		}
		if end < 0 || end > limit || end == 0 || text[:end] == Mask {
			continue
		}
		b.WriteString(Mask)
		text = text[end:]
	}
	b.WriteString(text)
	return b.String()
}

// maskQuoted masks the content of every quoted segment of text ("…", '…'
// or `…`) that is part of a secret. Any quote may open a segment, so that a
// stray apostrophe does not hide the segments after it.
func maskQuoted(text string, secrets []string) string {
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		q := text[i]
		b.WriteByte(q)
		if q != '"' && q != '\'' && q != '`' {
			continue
		}
		end := strings.IndexByte(text[i+1:], q)
		if end < 0 {
			continue
		}
		content := text[i+1 : i+1+end]
		if content != "" && content != Mask && partOfAny(content, secrets) {
			b.WriteString(Mask)
			b.WriteByte(q)
			i += end + 1
		}
	}
	return b.String()
}

func partOfAny(s string, secrets []string) bool {
	for _, x := range secrets {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}
