package sanitize

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"
)

// pieces are the fragments random strings are made of: everything that has
// ever broken a quoting function.
var pieces = []string{
	"'", "''", `\`, `\'`, `\\`, "\x00", `"`, "`", "--", "-- ", "/*", "*/", "#", "$$", "$a$", ";", "?", ":x",
	"::", "%", "_", "\n", "\r", "\t", "\x1a", "\x7f", "é", "日本", "😀", "\ufffe", "\u00a0", "\u2028", "\U0010ffff",
	"\xff", "\xc3", "\xbf", "\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xbf\\", "\x81'", "a", "Z", "0", " ",
	"OR 1=1", "E'", "U&'", "N'", "X'", "_utf8mb4", "0x27",
}

// randString returns a random string; half of them are valid UTF-8 without
// NUL, so that every session gets many strings it accepts.
func randString(r *rand.Rand) string {
	clean := r.IntN(2) == 0
	var b strings.Builder
	for n := r.IntN(12); n > 0; n-- {
		if r.IntN(8) == 0 {
			if clean {
				b.WriteRune(rune(1 + r.IntN(0xD7FF)))
			} else {
				b.WriteByte(byte(r.IntN(256)))
			}
			continue
		}
		p := pieces[r.IntN(len(pieces))]
		if clean && (p == "\x00" || !utf8.ValidString(p)) {
			continue
		}
		b.WriteString(p)
	}
	return b.String()
}

func randBytes(r *rand.Rand) []byte {
	b := make([]byte, r.IntN(24))
	for i := range b {
		b[i] = byte(r.IntN(256))
	}
	return b
}

var specialFloats = []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e300, 5e-324, math.MaxFloat64, -math.MaxFloat64,
	math.SmallestNonzeroFloat64, 2.2250738585072014e-308, 1e21, 1e-7, 123456789012345678, math.NaN(), math.Inf(1), math.Inf(-1)}

func randFloat(r *rand.Rand) float64 {
	switch r.IntN(4) {
	case 0:
		return specialFloats[r.IntN(len(specialFloats))]
	case 1:
		return math.Float64frombits(r.Uint64()) // any bit pattern, NaNs and subnormals included
	case 2:
		return (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(40)-20))
	}
	return float64(r.Int64N(1<<53)) / float64(int64(1)<<r.IntN(60))
}

var zones = []*time.Location{time.UTC, time.FixedZone("", -7*3600), time.FixedZone("", 5*3600+45*60),
	time.FixedZone("LMT", 561), time.FixedZone("", -12*3600), time.FixedZone("", 14*3600)}

func randTime(r *rand.Rand) time.Time {
	sec := r.Int64N(time.Date(9998, 1, 1, 0, 0, 0, 0, time.UTC).Unix()-time.Date(2, 1, 1, 0, 0, 0, 0, time.UTC).Unix()) +
		time.Date(2, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	ns := r.Int64N(1e9)
	switch r.IntN(3) {
	case 0:
		ns = 0
	case 1:
		ns -= ns % 1000
	}
	return time.Unix(sec, ns).In(zones[r.IntN(len(zones))])
}

// randValue returns a random value of one of the kinds Quote takes.
func randValue(r *rand.Rand) any {
	switch k := r.IntN(20); {
	case k < 8:
		return randString(r)
	case k < 10:
		return randBytes(r)
	case k < 12:
		return randFloat(r)
	case k == 12:
		return math.Float32frombits(r.Uint32())
	case k == 13:
		return r.Int64() >> r.IntN(64)
	case k == 14:
		return r.Uint64() >> r.IntN(64)
	case k == 15:
		return r.IntN(2) == 0
	case k < 18:
		return randTime(r)
	case k == 18:
		b, _ := json.Marshal(map[string]any{randString(r): []any{randString(r), 1.5, nil, true}})
		return json.RawMessage(b)
	}
	return nil
}
