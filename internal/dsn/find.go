package dsn

import (
	"net/url"
	"slices"
	"strings"

	"github.com/grantsql/grant/dialect"
)

// rng is the byte range [i, j) of a DSN that may hold a secret.
type rng struct{ i, j int }

// found is what the rules found in one DSN: the ranges to mask, sorted and
// merged, and every form of the secrets, longest first.
type found struct {
	ranges []rng
	forms  []string
}

// find applies the rules of the drivers that may read s. pgx reads a
// string starting postgres:// or postgresql:// as a URL and any other as
// keyword/value; go-sql-driver/mysql reads its own syntax. A string in
// another syntax, or given to another dialect, gets every rule; the MySQL
// rule, which may take a short run of a PostgreSQL string for a password,
// then adds no secret form for Scrub to replace everywhere.
func find(d dialect.Dialect, s string) found {
	var f found
	scheme := schemeOf(s)
	switch {
	case scheme == "postgres" || scheme == "postgresql":
		f.url(s)
		if d == dialect.MySQL {
			f.mysql(s, true)
		}
	case scheme != "":
		f.url(s)
		f.mysql(s, d != dialect.Postgres)
		f.keywords(s)
	default:
		f.keywords(s)
		f.mysql(s, d != dialect.Postgres)
	}
	f.finish()
	return f
}

// add records the range [i, j) of s and its forms: itself as written and
// the given decoded forms.
func (f *found) add(s string, i, j int, decoded ...string) {
	if f.addRange(i, j) {
		f.forms = append(f.forms, s[i:j])
		f.forms = append(f.forms, decoded...)
	}
}

// addRange records the range [i, j) to mask, if it is not empty.
func (f *found) addRange(i, j int) bool {
	if i >= j {
		return false
	}
	f.ranges = append(f.ranges, rng{i, j})
	return true
}

// finish sorts and merges the ranges and deduplicates the forms.
func (f *found) finish() {
	slices.SortFunc(f.ranges, func(a, b rng) int { return a.i - b.i })
	var merged []rng
	for _, r := range f.ranges {
		if n := len(merged); n > 0 && r.i <= merged[n-1].j {
			merged[n-1].j = max(merged[n-1].j, r.j)
			continue
		}
		merged = append(merged, r)
	}
	f.ranges = merged
	forms := f.forms[:0]
	seen := make(map[string]bool, len(f.forms))
	for _, x := range f.forms {
		if x != "" && !seen[x] {
			seen[x] = true
			forms = append(forms, x)
		}
	}
	slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
	f.forms = forms
}

// schemeOf returns the lower-cased scheme of a URL-shaped s ("postgres" for
// postgres://...), or "".
func schemeOf(s string) string {
	i := strings.Index(s, "://")
	if i <= 0 {
		return ""
	}
	for k := 0; k < i; k++ {
		c := s[k]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (k == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	return strings.ToLower(s[:i])
}

// url masks the userinfo password of a URL, up to the last '@' (a password
// may hold an unescaped '@', '/' or '?'), and every query parameter whose
// decoded key names a password.
func (f *found) url(s string) {
	start := strings.Index(s, "://") + 3
	rest := s[start:]
	qfrom := 0
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		qfrom = at + 1
		if c := strings.IndexByte(rest[:at], ':'); c >= 0 {
			f.add(s, start+c+1, start+at, urlForms(rest[c+1:at])...)
		}
		// pgx ends the userinfo at the first '@' before any '/': its
		// password may be a shorter string, quoted in its own messages.
		if i := strings.IndexAny(rest, "@/"); i >= 0 && rest[i] == '@' && i != at {
			if c := strings.IndexByte(rest[:i], ':'); c >= 0 && c+1 < i {
				f.forms = append(f.forms, rest[c+1:i])
				f.forms = append(f.forms, urlForms(rest[c+1:i])...)
			}
		}
	}
	q := strings.IndexByte(rest[qfrom:], '?')
	if q < 0 {
		return
	}
	pos := start + qfrom + q + 1
	for _, pair := range strings.Split(s[pos:], "&") {
		key, val, ok := strings.Cut(pair, "=")
		if ok && secretKey(append(urlForms(key), key)...) {
			f.add(s, pos+len(key)+1, pos+len(pair), urlForms(val)...)
		}
		pos += len(pair) + 1
	}
}

// urlForms returns the percent-decoded forms of a URL component.
func urlForms(s string) []string {
	var out []string
	if v, err := url.PathUnescape(s); err == nil && v != s {
		out = append(out, v)
	}
	if v, err := url.QueryUnescape(s); err == nil && v != s {
		out = append(out, v)
	}
	return out
}

// secretKey reports whether one of the spellings of a key names a secret
// (password, sslpassword, passwd, pwd, client_secret, ...).
func secretKey(spellings ...string) bool {
	for _, k := range spellings {
		if i, _ := secretWord(strings.ToLower(k), 0); i >= 0 {
			return true
		}
	}
	return false
}

// secretWords are the key words that name a secret.
var secretWords = []string{"password", "passwd", "pwd", "secret"}

// secretWord returns the index of the first secret word in lower at or
// after from, or -1, and the word's length.
func secretWord(lower string, from int) (int, int) {
	best, n := -1, 0
	for _, w := range secretWords {
		if k := strings.Index(lower[from:], w); k >= 0 && (best < 0 || from+k < best) {
			best, n = from+k, len(w)
		}
	}
	return best, n
}

// keywords masks the value of every key naming a secret in a PostgreSQL
// keyword/value string (password=pw, password = 'p w', sslpassword=p\ w),
// wherever it appears: a value that does not end (an unterminated quote)
// is masked to the end of the string.
func (f *found) keywords(s string) {
	lower := strings.ToLower(s)
	for from := 0; from < len(s); {
		i, n := secretWord(lower, from)
		if i < 0 {
			return
		}
		j := skipSpace(s, i+n)
		if j >= len(s) || s[j] != '=' {
			from = i + 1
			continue
		}
		j = skipSpace(s, j+1)
		end, value := keywordValue(s, j)
		f.add(s, j, end, value)
		if j < len(s) && s[j] == '\'' {
			inner := s[j+1 : end] // as written, within the quotes
			if end-1 > j && s[end-1] == '\'' {
				inner = s[j+1 : end-1]
			}
			f.forms = append(f.forms, inner)
		}
		from = max(end, j+1)
	}
}

// keywordValue reads the value starting at s[j] as pgx does: a quoted
// string with \' and \\ escapes, or a run of non-space bytes in which a
// backslash escapes the next byte. It returns the end of the value as
// written and the value itself.
func keywordValue(s string, j int) (int, string) {
	var b strings.Builder
	k := j
	if k < len(s) && s[k] == '\'' {
		for k++; k < len(s) && s[k] != '\''; k++ {
			if s[k] == '\\' && k+1 < len(s) {
				k++
			}
			b.WriteByte(s[k])
		}
		return min(k+1, len(s)), b.String()
	}
	for ; k < len(s) && !isSpace(s[k]); k++ {
		if s[k] == '\\' {
			if k+1 >= len(s) {
				k++
				break
			}
			k++
		}
		b.WriteByte(s[k])
	}
	return k, b.String()
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// mysql masks the password of [user[:password]@][net[(addr)]]/dbname as
// go-sql-driver/mysql reads it: from the first ':' to the last '@' before
// the last '/' (or the last '@' at all when that finds none). withForm
// says whether the password is also a secret form.
func (f *found) mysql(s string, withForm bool) {
	slash := strings.LastIndexByte(s, '/')
	if slash < 0 {
		slash = len(s)
	}
	at := strings.LastIndexByte(s[:slash], '@')
	if at < 0 {
		at = strings.LastIndexByte(s, '@')
	}
	if at < 0 {
		return
	}
	if c := strings.IndexByte(s[:at], ':'); c >= 0 {
		if withForm {
			f.add(s, c+1, at)
		} else {
			f.addRange(c+1, at)
		}
	}
}
