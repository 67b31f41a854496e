package routing

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Token is a portable record of a session's writes: per database, the time
// of the last write and the primary's position after it. An application
// keeps it between requests (a cookie, a session store) as the string
// String returns, reads it back with ParseToken, and gives it to a context
// with WithToken or to a Session with Merge; the requests that follow then
// read their own writes even when another process serves them.
//
// A Token is not signed: a client that forges one can only send its own
// reads to the primary. Store it where the client cannot change it (a
// signed or server-side session) if that matters.
//
// The zero Token records nothing. A Token is a value and never changes.
type Token struct {
	entries []tokenEntry
}

type tokenEntry struct {
	db    string
	wrote int64 // Unix nanoseconds (milliseconds precision in text)
	blind int64
	pos   Position
}

// ErrInvalidToken is matched (errors.Is) by every ParseToken error.
var ErrInvalidToken = errors.New("grant: invalid routing token")

// Limits on a token's text, which comes from outside.
const (
	maxTokenLen     = 8 << 10
	maxTokenEntries = 64
	tokenPrefix     = "g1."
)

// IsZero reports whether t records no write.
func (t Token) IsZero() bool { return len(t.entries) == 0 }

// Position returns the position t records for database db.
func (t Token) Position(db string) Position {
	if e := t.find(db); e != nil {
		return e.pos
	}
	return Position{}
}

// LastWrite returns the time of the last write t records for database db
// (millisecond precision), or the zero time.
func (t Token) LastWrite(db string) time.Time {
	if e := t.find(db); e != nil && e.wrote != 0 {
		return time.Unix(0, e.wrote)
	}
	return time.Time{}
}

func (t *Token) find(db string) *tokenEntry {
	for i := range t.entries {
		if t.entries[i].db == db {
			return &t.entries[i]
		}
	}
	return nil
}

// String returns the token's portable text: "g1." and base64url of
// "db=position@wroteMillis!blindMillis;..." ("" for the zero Token).
func (t Token) String() string {
	if t.IsZero() {
		return ""
	}
	var b strings.Builder
	for i, e := range t.entries {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(e.db)
		b.WriteByte('=')
		b.WriteString(e.pos.String())
		b.WriteByte('@')
		b.WriteString(strconv.FormatInt(ceilMillis(e.wrote), 10))
		if e.blind != 0 {
			b.WriteByte('!')
			b.WriteString(strconv.FormatInt(ceilMillis(e.blind), 10))
		}
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(b.String()))
}

// ceilMillis rounds a time up to milliseconds, so that a window measured
// from a parsed token never ends early.
func ceilMillis(ns int64) int64 {
	if ns <= 0 {
		return 0
	}
	return (ns + int64(time.Millisecond) - 1) / int64(time.Millisecond)
}

// MarshalText writes the token as String does.
func (t Token) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads a token as ParseToken does.
func (t *Token) UnmarshalText(b []byte) error {
	v, err := ParseToken(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// ParseToken reads a token written by Token.String. The empty string is the
// zero Token. Every error matches ErrInvalidToken and says what is wrong.
func ParseToken(s string) (Token, error) {
	if s == "" {
		return Token{}, nil
	}
	if len(s) > maxTokenLen {
		return Token{}, tokenErr("longer than %d bytes", maxTokenLen)
	}
	body, ok := strings.CutPrefix(s, tokenPrefix)
	if !ok {
		return Token{}, tokenErr("missing the %q version prefix", tokenPrefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return Token{}, tokenErr("not base64url")
	}
	var t Token
	for part := range strings.SplitSeq(string(raw), ";") {
		if len(t.entries) == maxTokenEntries {
			return Token{}, tokenErr("more than %d databases", maxTokenEntries)
		}
		e, err := parseTokenEntry(part)
		if err != nil {
			return Token{}, err
		}
		if t.find(e.db) != nil {
			return Token{}, tokenErr("database %q listed twice", e.db)
		}
		t.entries = append(t.entries, e)
	}
	return t, nil
}

func parseTokenEntry(part string) (tokenEntry, error) {
	db, rest, ok := strings.Cut(part, "=")
	if !ok || !validDBName(db) {
		return tokenEntry{}, tokenErr("entry %q: want database=position@time", part)
	}
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return tokenEntry{}, tokenErr("entry %q: want database=position@time", part)
	}
	pos, err := ParsePosition(rest[:at])
	if err != nil {
		return tokenEntry{}, tokenErr("database %s: %v", db, err)
	}
	wrote, blind, hasBlind := strings.Cut(rest[at+1:], "!")
	e := tokenEntry{db: db, pos: pos}
	if e.wrote, err = parseMillis(wrote); err != nil {
		return tokenEntry{}, tokenErr("database %s: invalid time %q", db, wrote)
	}
	if hasBlind {
		if e.blind, err = parseMillis(blind); err != nil {
			return tokenEntry{}, tokenErr("database %s: invalid time %q", db, blind)
		}
	}
	return e, nil
}

// parseMillis reads Unix milliseconds into Unix nanoseconds.
func parseMillis(s string) (int64, error) {
	v, err := parseUint(s, 63)
	if err != nil || v > uint64(1<<63-1)/uint64(time.Millisecond) {
		return 0, strconv.ErrRange
	}
	return int64(v) * int64(time.Millisecond), nil
}

func tokenErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidToken, fmt.Sprintf(format, args...))
}

// validDBName accepts the database names configuration allows.
func validDBName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
