package merge

import (
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"strconv"
	"time"
)

// appendKey appends an encoding of v under rule r to buf, such that two
// values encode equally exactly when compareValues says they are equal (and
// NULL equals NULL, as GROUP BY and DISTINCT treat it). The encoding is
// self-delimiting, so the keys of several columns concatenate safely.
func appendKey(buf []byte, v driver.Value, r rule) []byte {
	if v == nil {
		return append(buf, 'z')
	}
	switch classify(v, r) {
	case classNum:
		buf = append(buf, 'n')
		buf = appendNumKey(buf, toNum(v))
		return append(buf, 0)
	case classTime:
		t := v.(time.Time)
		buf = append(buf, 't')
		buf = binary.BigEndian.AppendUint64(buf, uint64(t.Unix()))
		return binary.BigEndian.AppendUint32(buf, uint32(t.Nanosecond()))
	case classText, classBlob:
		tag := byte('s')
		if _, ok := v.([]byte); ok && r.blob {
			tag = 'b'
		}
		buf = append(buf, tag, 0, 0, 0, 0)
		start := len(buf)
		switch x := v.(type) {
		case string:
			buf = appendText(buf, x, r.text)
		case []byte:
			buf = appendText(buf, x, r.text)
		}
		binary.BigEndian.PutUint32(buf[start-4:], uint32(len(buf)-start))
		return buf
	}
	s := fmt.Sprint(v)
	buf = append(buf, 'o')
	buf = binary.BigEndian.AppendUint32(buf, uint32(len(s)))
	return append(buf, s...)
}

// appendText appends the form of s that is equal exactly when the texts
// are equal under t.
func appendText[T text](buf []byte, s T, t textOrder) []byte {
	switch t {
	case textFold:
		return appendFold(buf, s)
	case textASCIIFold:
		for i := 0; i < len(s); i++ {
			buf = append(buf, lowerASCII(s[i]))
		}
		return buf
	case textRTrim, textPad:
		return append(buf, s[:trimSpaceEnd(s)]...)
	}
	return append(buf, s...)
}

// appendNumKey appends the canonical decimal text of n.
func appendNumKey(buf []byte, n num) []byte {
	switch n.kind {
	case 'i':
		return strconv.AppendInt(buf, n.i, 10)
	case 'u':
		return strconv.AppendUint(buf, n.u, 10)
	case 'f':
		return appendFloat(buf, n.f)
	case 's':
		return appendTextNumKey(buf, n.s)
	}
	return appendTextNumKey(buf, n.b)
}

func appendTextNumKey[T text](buf []byte, s T) []byte {
	if d, ok := parseDecimal(s); ok {
		return appendCanonical(buf, s, d)
	}
	f, _ := strconv.ParseFloat(string(s), 64)
	return appendFloat(buf, f)
}

// appendRowKey appends the keys of the given columns of row: of their
// weights, for text values of columns that have them.
func appendRowKey(buf []byte, row []driver.Value, cols []int, rules []rule) []byte {
	for _, c := range cols {
		r := &rules[c]
		if r.weighted && r.isText(row[c]) && row[r.weight] != nil {
			buf = appendWeightKey(buf, row[r.weight], r.pad)
			continue
		}
		buf = appendKey(buf, row[c], *r)
	}
	return buf
}
