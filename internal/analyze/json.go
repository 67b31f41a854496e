package analyze

import (
	"encoding/json"
	"regexp"
	"strconv"
)

// MarshalJSON writes sp as [start, end].
func (sp Span) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 16)
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(sp.Start), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(sp.End), 10)
	return append(b, ']'), nil
}

// UnmarshalJSON reads [start, end].
func (sp *Span) UnmarshalJSON(b []byte) error {
	var v [2]int
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	sp.Start, sp.End = v[0], v[1]
	return nil
}

// spanRE matches a span array spread over lines by indentation.
var spanRE = regexp.MustCompile(`\[\s+(-?\d+),\s+(-?\d+)\s+\]`)

// JSON returns s as indented JSON with each span on one line, the form the
// golden files hold.
func (s *Statement) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return spanRE.ReplaceAll(b, []byte("[$1, $2]")), nil
}
