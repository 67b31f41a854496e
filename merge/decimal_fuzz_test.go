package merge

import (
	"bytes"
	"math/big"
	"testing"
)

// FuzzDecimal checks decimal comparison, canonical keys and exact sums
// against math/big.Rat.
func FuzzDecimal(f *testing.F) {
	for _, s := range [][2]string{{"1.50", "1.5"}, {"-0", "0.000"}, {"007", "7.1"}, {".5", "-.5"}, {"123456789012345678901234", "1e3"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		da, oka := parseDecimal(a)
		db, okb := parseDecimal(b)
		if !oka || !okb || da.special != decFinite || db.special != decFinite {
			return
		}
		ra, ok1 := new(big.Rat).SetString(a)
		rb, ok2 := new(big.Rat).SetString(b)
		if !ok1 || !ok2 {
			t.Fatalf("parseDecimal accepted what big.Rat rejects: %q %q", a, b)
		}
		want := ra.Cmp(rb)
		if got := compareDecimal(a, da, []byte(b), db); got != want {
			t.Fatalf("compare(%q, %q) = %d, want %d", a, b, got, want)
		}
		ka, kb := appendCanonical(nil, a, da), appendCanonical(nil, b, db)
		if bytes.Equal(ka, kb) != (want == 0) {
			t.Fatalf("canonical %q vs %q for %q, %q", ka, kb, a, b)
		}
		var n number
		if err := n.add(a); err != nil {
			t.Fatal(err)
		}
		if err := n.add([]byte(b)); err != nil {
			t.Fatal(err)
		}
		sum, _ := new(big.Rat).SetString(string(n.value().(string)))
		if sum.Cmp(new(big.Rat).Add(ra, rb)) != 0 {
			t.Fatalf("%q + %q = %v", a, b, n.value())
		}
	})
}
