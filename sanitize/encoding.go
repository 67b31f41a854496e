package sanitize

import (
	"strconv"
	"strings"

	"github.com/grantsql/grant/dialect"
)

// encKind says how this package treats the bytes of a session's encoding.
type encKind uint8

const (
	encUTF8    encKind = iota // valid UTF-8 required
	encUTF8MB3                // MySQL utf8mb3: valid UTF-8 without 4-byte characters
	encBytes                  // no character holds a byte below 0x80: single-byte sets, EUC, SQLite; the server validates
	encMulti                  // a multibyte set whose characters can end in an ASCII byte: split by scheme
	encUnknown                // an encoding this package does not know: non-ASCII refused
)

// scheme is how a multibyte encoding (encMulti) splits bytes into
// characters, as the server does: PostgreSQL's verifier before it converts
// client text to the database encoding, MySQL's my_ismbchar while it lexes.
type scheme uint8

const (
	schemeNone    scheme = iota
	schemeSJIS           // 0xA1-0xDF alone; lead 0x81-0x9F, 0xE0-0xFC; trail 0x40-0x7E, 0x80-0xFC
	schemeBig5           // lead 0xA1-0xF9; trail 0x40-0x7E, 0xA1-0xFE
	schemeGBK            // lead 0x81-0xFE; trail 0x40-0x7E, 0x80-0xFE
	schemeGB18030        // GBK, and lead, 0x30-0x39, 0x81-0xFE, 0x30-0x39
	schemeUHC            // lead 0x81-0xFE; trail 0x41-0x5A, 0x61-0x7A, 0x81-0xFE
)

// encoding is a session's client encoding as this package treats it.
type encoding struct {
	name   string // as the server names it, for messages
	kind   encKind
	scheme scheme
	// wide: an encBytes set with multibyte characters (all of whose bytes
	// are 0x80 or above), which the server may refuse to read from hex.
	wide bool
	// backslash815F: PostgreSQL converts the character 0x81 0x5F to an
	// ASCII backslash before its lexer reads it (SHIFT_JIS_2004, whose
	// mapping follows JIS X 0213), so it is an escape character there.
	backslash815F bool
}

// pgEncodings are PostgreSQL's encoding names and aliases, as
// pg_char_to_encoding matches them: lower case, letters and digits only.
var pgEncodings = func() map[string]encoding {
	m := map[string]encoding{}
	add := func(e encoding, names ...string) {
		for _, n := range names {
			m[n] = e
		}
	}
	add(encoding{name: "UTF8", kind: encUTF8}, "utf8", "unicode")
	add(encoding{name: "SJIS", kind: encMulti, scheme: schemeSJIS}, "sjis", "shiftjis", "mskanji", "win932", "windows932")
	add(encoding{name: "SHIFT_JIS_2004", kind: encMulti, scheme: schemeSJIS, backslash815F: true}, "shiftjis2004")
	add(encoding{name: "BIG5", kind: encMulti, scheme: schemeBig5}, "big5", "win950", "windows950")
	add(encoding{name: "GBK", kind: encMulti, scheme: schemeGBK}, "gbk", "win936", "windows936")
	add(encoding{name: "GB18030", kind: encMulti, scheme: schemeGB18030}, "gb18030")
	add(encoding{name: "UHC", kind: encMulti, scheme: schemeUHC}, "uhc", "win949", "windows949")
	// Every byte of a multibyte character is 0x80 or above (EUC, JOHAB as
	// PostgreSQL verifies it, MULE), or every character is one byte.
	for _, n := range strings.Fields(`SQL_ASCII EUC_JP EUC_CN EUC_KR EUC_TW EUC_JIS_2004 JOHAB MULE_INTERNAL
		LATIN1 LATIN2 LATIN3 LATIN4 LATIN5 LATIN6 LATIN7 LATIN8 LATIN9 LATIN10 ISO_8859_5 ISO_8859_6
		ISO_8859_7 ISO_8859_8 KOI8R KOI8U WIN866 WIN874 WIN1250 WIN1251 WIN1252 WIN1253 WIN1254 WIN1255
		WIN1256 WIN1257 WIN1258`) {
		m[cleanEncodingName(n)] = encoding{name: n, kind: encBytes}
	}
	for alias, n := range map[string]string{"iso88591": "latin1", "iso88592": "latin2", "iso88593": "latin3",
		"iso88594": "latin4", "iso88599": "latin5", "iso885910": "latin6", "iso885913": "latin7",
		"iso885914": "latin8", "iso885915": "latin9", "iso885916": "latin10", "koi8": "koi8r",
		"alt": "win866", "windows866": "win866", "windows874": "win874", "win": "win1251",
		"abc": "win1258", "tcvn": "win1258", "tcvn5712": "win1258", "vscii": "win1258"} {
		m[alias] = m[n]
	}
	for _, n := range []string{"1250", "1251", "1252", "1253", "1254", "1255", "1256", "1257", "1258"} {
		m["windows"+n] = m["win"+n]
	}
	// The names the server reports (SHOW client_encoding) match as they are,
	// without cleaning; no key above has upper case letters.
	for _, e := range m {
		m[e.name] = e
	}
	return m
}()

// myCharsets are the MySQL and MariaDB character sets.
var myCharsets = func() map[string]encoding {
	m := map[string]encoding{
		"utf8mb4": {name: "utf8mb4", kind: encUTF8},
		"utf8mb3": {name: "utf8mb3", kind: encUTF8MB3},
		"utf8":    {name: "utf8", kind: encUTF8MB3},
		"big5":    {name: "big5", kind: encMulti, scheme: schemeBig5},
		"cp932":   {name: "cp932", kind: encMulti, scheme: schemeSJIS},
		"sjis":    {name: "sjis", kind: encMulti, scheme: schemeSJIS},
		"gbk":     {name: "gbk", kind: encMulti, scheme: schemeGBK},
		"gb18030": {name: "gb18030", kind: encMulti, scheme: schemeGB18030},
	}
	// Single-byte sets, and multibyte ones whose characters hold no ASCII
	// quote, backslash or backtick: EUC (gb2312, ujis, eucjpms) and euckr,
	// whose MariaDB form takes only letters as ASCII trailing bytes; as
	// MySQL's lexer reads a byte that starts no character as one character,
	// they are not validated.
	for _, n := range strings.Fields(`latin1 latin2 latin5 latin7 ascii binary cp1250 cp1251 cp1256 cp1257
		cp850 cp852 cp866 koi8r koi8u greek hebrew armscii8 dec8 hp8 keybcs2 macce macroman swe7
		geostd8 tis620`) {
		m[n] = encoding{name: n, kind: encBytes}
	}
	for _, n := range []string{"euckr", "ujis", "eucjpms", "gb2312"} {
		m[n] = encoding{name: n, kind: encBytes, wide: true}
	}
	return m
}()

// cleanEncodingName reduces a PostgreSQL encoding name to the form of the
// pgEncodings keys.
func cleanEncodingName(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			b = append(b, c)
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b)
}

// Cached encodings of the zero-valued session fields.
var (
	pgUTF8  = pgEncodings["utf8"]
	myUTF8  = myCharsets["utf8mb4"]
	sqBytes = encoding{name: "SQLite", kind: encBytes}
)

// enc returns the encoding of the Quoter's session.
func (q Quoter) enc() encoding {
	switch q.Dialect {
	case dialect.Postgres:
		if q.ClientEncoding == "" {
			return pgUTF8
		}
		if e, ok := pgEncodings[q.ClientEncoding]; ok {
			return e
		}
		if e, ok := pgEncodings[cleanEncodingName(q.ClientEncoding)]; ok {
			return e
		}
		return encoding{name: q.ClientEncoding, kind: encUnknown}
	case dialect.MySQL:
		if q.Charset == "" {
			return myUTF8
		}
		if e, ok := myCharsets[q.Charset]; ok {
			return e
		}
		if e, ok := myCharsets[strings.ToLower(q.Charset)]; ok {
			return e
		}
		return encoding{name: q.Charset, kind: encUnknown}
	}
	return sqBytes
}

// charLen returns the length of the character of a multibyte encoding that
// starts at s[i], or 0 if the bytes there are not a valid character. A byte
// below 0x80 is always a character of its own.
func (e encoding) charLen(s string, i int) int {
	c := s[i]
	if c < 0x80 {
		return 1
	}
	var t byte
	if i+1 < len(s) {
		t = s[i+1]
	}
	switch e.scheme {
	case schemeSJIS:
		if 0xA1 <= c && c <= 0xDF {
			return 1
		}
		if (0x81 <= c && c <= 0x9F || 0xE0 <= c && c <= 0xFC) && (0x40 <= t && t <= 0x7E || 0x80 <= t && t <= 0xFC) {
			return 2
		}
	case schemeBig5:
		if 0xA1 <= c && c <= 0xF9 && (0x40 <= t && t <= 0x7E || 0xA1 <= t && t <= 0xFE) {
			return 2
		}
	case schemeGBK, schemeGB18030:
		if c < 0x81 || c == 0xFF {
			return 0
		}
		if 0x40 <= t && t <= 0x7E || 0x80 <= t && t <= 0xFE {
			return 2
		}
		if e.scheme == schemeGB18030 && 0x30 <= t && t <= 0x39 && i+3 < len(s) &&
			0x81 <= s[i+2] && s[i+2] <= 0xFE && 0x30 <= s[i+3] && s[i+3] <= 0x39 {
			return 4
		}
	case schemeUHC:
		if 0x81 <= c && c <= 0xFE && (0x41 <= t && t <= 0x5A || 0x61 <= t && t <= 0x7A || 0x81 <= t && t <= 0xFE) {
			return 2
		}
	}
	return 0
}

// isBackslash815F reports whether the character at s[i] is 0x81 0x5F in an
// encoding that converts it to a backslash.
func (e encoding) isBackslash815F(s string, i int) bool {
	return e.backslash815F && s[i] == 0x81 && i+1 < len(s) && s[i+1] == 0x5F
}

// validateHigh checks a string holding a byte of 0x80 or more against an
// encMulti set, and refuses it for an unknown encoding. The UTF-8 sets are
// checked by the dialect, whose messages differ. what names the text in
// errors ("string", "identifier").
func (e encoding) validateHigh(s string, what string) error {
	switch e.kind {
	case encMulti:
		for i := 0; i < len(s); {
			n := e.charLen(s, i)
			if n == 0 {
				return errorf(ErrInvalidEncoding, "byte 0x"+string(appendHex(nil, s[i:i+1]))+
					" at offset "+strconv.Itoa(i)+" of a "+what+" does not start a "+e.name+" character")
			}
			i += n
		}
	case encUnknown:
		return errorf(ErrUnsafeCharset, "unknown encoding "+e.name+" for non-ASCII text")
	}
	return nil
}
