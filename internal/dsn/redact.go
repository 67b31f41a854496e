// Package dsn handles the DSNs of the real drivers without ever exposing a
// password: Redact masks it for errors and logs.
package dsn

import (
	"net/url"
	"strings"

	"github.com/grantsql/grant/dialect"
)

// Mask replaces a password in redacted DSNs.
const Mask = "xxxxx"

// Redact returns dsn with its password replaced by Mask. It understands URL
// DSNs (postgres://user:pw@host/db), PostgreSQL keyword/value DSNs
// (password=pw) and go-sql-driver/mysql DSNs (user:pw@tcp(host)/db). SQLite
// DSNs carry no password and are returned unchanged.
func Redact(d dialect.Dialect, s string) string {
	if strings.Contains(s, "://") {
		return redactURL(s)
	}
	switch d {
	case dialect.Postgres:
		return redactKeywords(s)
	case dialect.MySQL:
		return redactMySQL(s)
	}
	return s
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err == nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), Mask)
		}
		q := u.Query()
		if q.Has("password") {
			q.Set("password", Mask)
			u.RawQuery = q.Encode()
		}
		return strings.Replace(u.String(), url.QueryEscape(Mask), Mask, 1)
	}
	// Unparseable: mask everything between "://" and the last "@".
	head, rest, _ := strings.Cut(s, "://")
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return s
	}
	user, _, _ := strings.Cut(rest[:at], ":")
	return head + "://" + user + ":" + Mask + rest[at:]
}

// redactKeywords masks password=... in a keyword/value string, quoted or not.
func redactKeywords(s string) string {
	i := strings.Index(strings.ToLower(s), "password")
	if i < 0 {
		return s
	}
	j := i + len("password")
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if j >= len(s) || s[j] != '=' {
		return s[:j] + redactKeywords(s[j:])
	}
	j++
	for j < len(s) && s[j] == ' ' {
		j++
	}
	end := j
	if end < len(s) && s[end] == '\'' {
		end++
		for end < len(s) && s[end] != '\'' {
			if s[end] == '\\' {
				end++
			}
			end++
		}
		end++
	} else {
		for end < len(s) && s[end] != ' ' {
			end++
		}
	}
	end = min(end, len(s))
	return s[:j] + Mask + s[end:]
}

// redactMySQL masks the password of [user[:password]@][proto[(addr)]]/db.
func redactMySQL(s string) string {
	slash := strings.LastIndexByte(s, '/')
	if slash < 0 {
		slash = len(s)
	}
	at := strings.LastIndexByte(s[:slash], '@')
	if at < 0 {
		return s
	}
	user, _, hasPw := strings.Cut(s[:at], ":")
	if !hasPw {
		return s
	}
	return user + ":" + Mask + s[at:]
}

// Password returns the password in dsn, or "" when it has none. Scrub uses it
// to remove the password from any text, such as a driver's error message.
func Password(d dialect.Dialect, s string) string {
	red := Redact(d, s)
	if red == s {
		return ""
	}
	// The redacted form differs from s only where the password was.
	i := strings.Index(red, Mask)
	if i < 0 {
		return ""
	}
	tail := len(red) - i - len(Mask)
	pw := s[i : len(s)-tail]
	if u, err := url.PathUnescape(pw); err == nil && strings.Contains(s, "://") {
		return u
	}
	return pw
}

// Scrub replaces every occurrence of dsn's password in text with Mask.
func Scrub(d dialect.Dialect, s, text string) string {
	pw := Password(d, s)
	if pw == "" {
		return text
	}
	return strings.ReplaceAll(text, pw, Mask)
}
