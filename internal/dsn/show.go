package dsn

import (
	"strconv"
	"strings"

	"github.com/grantsql/grant/dialect"
)

// libpqKeys are connection keywords that make a key=value string a
// PostgreSQL DSN; other keys (runtime parameters) are allowed beside them.
var libpqKeys = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "database": true, "user": true,
	"password": true, "passfile": true, "sslmode": true, "sslcert": true, "sslkey": true,
	"sslrootcert": true, "sslpassword": true, "sslnegotiation": true, "sslsni": true,
	"application_name": true, "connect_timeout": true, "options": true, "service": true,
	"servicefile": true, "target_session_attrs": true, "load_balance_hosts": true,
	"client_encoding": true, "channel_binding": true, "krbsrvname": true, "gssencmode": true,
}

// keywordShape reports whether s reads as a libpq keyword/value string: its
// first key an identifier and at least one key a libpq keyword. Keys after
// an unterminated quote are not looked at.
func keywordShape(s string) bool {
	known := false
	for i := skipSpace(s, 0); i < len(s); {
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			return false
		}
		key := strings.TrimRight(s[i:i+eq], " \t\n\r\v\f")
		if !identifier(key) {
			return false
		}
		known = known || libpqKeys[key]
		j := skipSpace(s, i+eq+1)
		end, _ := keywordValue(s, j)
		if j < len(s) && s[j] == '\'' && (end <= j+1 || s[end-1] != '\'') {
			break // unterminated quote
		}
		i = skipSpace(s, end)
	}
	return known
}

func identifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Plain reports whether s can be shown in a message as it is: a name or a
// path of letters, digits and _ . - / ~ + that names no secret. A DSN is
// never plain.
func Plain(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("_.-/~+", c) >= 0
		if !ok {
			return false
		}
	}
	i, _ := secretWord(strings.ToLower(s), 0)
	return i < 0
}

// LooksLikeDSN reports whether s has the marks of a connection string: a
// scheme (://), an '@' or an '='.
func LooksLikeDSN(s string) bool {
	return strings.Contains(s, "://") || strings.ContainsAny(s, "@=")
}

// Show returns s as it may appear in a message, quoted: s itself when it is
// Plain (after an optional "file:" prefix), its Redact form (every driver's rules) when it looks like a DSN,
// and "" when it is neither, since it might be a secret.
func Show(s string) string {
	rest, _ := strings.CutPrefix(s, "file:")
	switch {
	case Plain(rest):
		return strconv.Quote(s)
	case LooksLikeDSN(s):
		return strconv.Quote(Redact(dialect.Unknown, s))
	}
	return ""
}
