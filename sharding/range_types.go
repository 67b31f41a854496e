package sharding

import (
	"strconv"
	"strings"
	"time"
)

// The key types a range resolver can take (Spec.KeyType).
const (
	rangeInteger = "integer"
	rangeString  = "string"
	rangeTime    = "time"
)

var intRangeOps = rangeOps[intKey]{
	compare: intKey.compare,
	next:    intKey.next,
	fromKey: func(s keyScalar) (intKey, string) {
		if n, ok := s.asInt(); ok {
			return n, ""
		}
		if s.kind == keyKindString {
			return intKey{}, "an integer range needs an integer; a string is accepted only in canonical decimal form"
		}
		return intKey{}, "an integer range needs an integer, not a time"
	},
	format: intKey.String,
}

var stringRangeOps = rangeOps[string]{
	compare: strings.Compare,
	next:    func(v string) (string, bool) { return v + "\x00", true },
	fromKey: func(s keyScalar) (string, string) {
		switch {
		case s.kind == keyKindInt:
			return s.i.String(), ""
		case s.kind != keyKindString:
			return "", "a string range needs a string, []byte or integer, not a time"
		case s.isBytes:
			return string(s.bytes), ""
		}
		return s.str, ""
	},
	format: strconv.Quote,
}

var timeRangeOps = rangeOps[time.Time]{
	compare: time.Time.Compare,
	next:    func(v time.Time) (time.Time, bool) { return v.Add(time.Nanosecond), true },
	fromKey: func(s keyScalar) (time.Time, string) {
		switch s.kind {
		case keyKindTime:
			return s.t, ""
		case keyKindString:
			if t, ok := parseTimeKeyText(&s); ok {
				return t, ""
			}
			return time.Time{}, "a time range needs a time.Time, or a string in RFC 3339 or YYYY-MM-DD form"
		}
		return time.Time{}, "a time range needs a time.Time, not an integer"
	},
	format: func(v time.Time) string { return v.Format(time.RFC3339Nano) },
}

// parseTimeKeyText reads RFC 3339 (2024-01-02T03:04:05Z, with any offset and
// fraction) or a date alone (2024-01-02, midnight UTC).
func parseTimeKeyText(s *keyScalar) (time.Time, bool) {
	text := s.str
	if s.isBytes {
		text = string(s.bytes)
	}
	if len(text) == len("2006-01-02") {
		t, err := time.Parse(time.DateOnly, text)
		return t, err == nil
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	return t, err == nil
}

// rangeBoundType classifies one configured bound for type inference: a number is an
// integer, a time.Time or a string in RFC 3339 or date form is a time, any
// other string is a string. A JSON number (json.Number) is an integer.
func rangeBoundType(s *keyScalar) string {
	switch s.kind {
	case keyKindInt:
		return rangeInteger
	case keyKindTime:
		return rangeTime
	}
	if _, ok := parseTimeKeyText(s); ok {
		return rangeTime
	}
	return rangeString
}
