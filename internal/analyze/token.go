package analyze

import (
	"strconv"
	"strings"
)

// TokenKind is the lexical class of a Token.
type TokenKind uint8

// The token kinds. Keywords are not a kind of their own: a bare word is an
// Ident, and Token.Kw says which keyword it spells, if any.
const (
	TokEOF         TokenKind = iota // end of input
	TokIdent                        // a bare word: identifier or keyword
	TokQuotedIdent                  // "x", `x`, [x] (SQLite), U&"x" (PostgreSQL)
	TokString                       // '..', E'..', N'..', U&'..', B'..', X'..', $tag$..$tag$, MySQL ".."
	TokNumber                       // 1, 1.5, .5e3, 0x1F, 0b101
	TokPlaceholder                  // $1, ?, ?3, :name, @name (SQLite), $name (SQLite)
	TokVariable                     // MySQL user or system variable: @x, @@x, @'x'
	TokOperator                     // =, <>, ::, :=, ->>, ||, *, ...
	TokPunct                        // one of ( ) [ ] { } , ; . :
	TokComment                      // -- .., # .. (MySQL), /* .. */
	TokInvalid                      // a byte no rule of the dialect accepts
)

var tokenKindNames = [...]string{
	TokEOF: "eof", TokIdent: "ident", TokQuotedIdent: "quoted_ident", TokString: "string",
	TokNumber: "number", TokPlaceholder: "placeholder", TokVariable: "variable",
	TokOperator: "operator", TokPunct: "punct", TokComment: "comment", TokInvalid: "invalid",
}

// String returns the lower-case name of k.
func (k TokenKind) String() string {
	if int(k) < len(tokenKindNames) {
		return tokenKindNames[k]
	}
	return "token(" + strconv.Itoa(int(k)) + ")"
}

// TokenFlags refine a token's kind.
type TokenFlags uint8

// The token flags.
const (
	// FlagUnterminated marks a string, quoted identifier or comment that runs to
	// the end of the input without its closing delimiter.
	FlagUnterminated TokenFlags = 1 << iota
	// FlagBackslash marks a string in which a backslash escapes the next byte
	// (PostgreSQL E'..', every MySQL '..' and "..").
	FlagBackslash
	// FlagDollar marks a PostgreSQL dollar-quoted string $tag$..$tag$.
	FlagDollar
	// FlagBits marks a bit or hex string: B'..', X'..' (the value is the digits).
	FlagBits
	// FlagExec marks a token inside a MySQL executable comment /*! .. */ whose
	// content the lexer reads as code.
	FlagExec
	// FlagUnicode marks a PostgreSQL U&'..' string or U&".." identifier; its
	// escapes are not decoded.
	FlagUnicode
	// FlagBackslashQuote marks a string in which a backslash escapes its own
	// quote character: a MySQL server running with NO_BACKSLASH_ESCAPES (or
	// ANSI_QUOTES, for "..") would end the string there.
	FlagBackslashQuote
)

// Token is one lexical token: its kind and its byte span [Start, End) in the
// source text. Tokens are small values; the text is always re-read from the
// source, so a token never allocates.
type Token struct {
	Kind  TokenKind
	Flags TokenFlags
	// Kw is the keyword a TokIdent spells (case-insensitively), or KwNone.
	Kw Keyword
	// Start and End are byte offsets into the source text.
	Start, End int32
	// Ord is a placeholder's parameter ordinal: n for $n and ?n, the position
	// for ?, the number SQLite gives a named parameter; 0 when it has none.
	Ord int32
}

// Text returns the token's source text.
func (t Token) Text(src string) string { return src[t.Start:t.End] }

// Is reports whether t is the punctuation or operator spelled s.
func (t Token) Is(src string, s string) bool {
	return (t.Kind == TokPunct || t.Kind == TokOperator) && src[t.Start:t.End] == s
}

// IsPunct reports whether t is the one-byte punctuation c.
func (t Token) IsPunct(src string, c byte) bool {
	return t.Kind == TokPunct && t.End == t.Start+1 && src[t.Start] == c
}

// Ident returns the identifier a TokIdent or TokQuotedIdent names: a quoted
// identifier without its quotes and with doubled quotes undone, a bare word
// as written. It allocates only when a doubled quote must be undone.
func (t Token) Ident(src string) string {
	s := src[t.Start:t.End]
	if t.Kind != TokQuotedIdent {
		return s
	}
	if t.Flags&FlagUnicode != 0 && len(s) >= 2 {
		s = s[2:] // U&
	}
	if len(s) < 2 {
		return ""
	}
	q := s[0]
	body := s[1:]
	if t.Flags&FlagUnterminated == 0 {
		body = body[:len(body)-1]
	}
	if q == '[' {
		return body
	}
	dq := string([]byte{q, q})
	if strings.Contains(body, dq) {
		return strings.ReplaceAll(body, dq, dq[:1])
	}
	return body
}

// Name returns the identifier t names as the database resolves it: a quoted
// identifier exactly, a bare word folded to lower case on PostgreSQL and as
// written elsewhere.
func (t Token) Name(src string, foldLower bool) string {
	s := t.Ident(src)
	if t.Kind == TokIdent && foldLower {
		return lowerASCII(s)
	}
	return s
}

// lowerASCII lower-cases ASCII letters, allocating only when s has one.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// Number returns a TokNumber's text without '_' digit separators and parses
// it as an integer when it is one.
func (t Token) Number(src string) (text string, n int64, isInt bool) {
	text = src[t.Start:t.End]
	if strings.IndexByte(text, '_') >= 0 {
		text = strings.ReplaceAll(text, "_", "")
	}
	if v, err := strconv.ParseInt(text, 0, 64); err == nil {
		return text, v, true
	}
	return text, 0, false
}

// PlaceholderName returns the name of a named placeholder (:name, @name,
// $name) without its sigil, or "" for a positional one.
func (t Token) PlaceholderName(src string) string {
	s := src[t.Start:t.End]
	if len(s) < 2 || s[0] == '?' || (s[0] == '$' && s[1] >= '0' && s[1] <= '9') {
		return ""
	}
	return s[1:]
}
