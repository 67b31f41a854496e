package planner

import (
	"math/bits"
	"slices"
)

// dbSet is a set of databases by their index in the planner's order. The
// first 64 live in lo, so the common clusters never allocate for it. hi is
// never changed in place (every change makes a new slice), so copies of a
// dbSet are independent values.
type dbSet struct {
	lo uint64
	hi []uint64 // databases 64 and above
}

func (s *dbSet) add(i int) {
	if i < 64 {
		s.lo |= 1 << uint(i)
		return
	}
	w := i/64 - 1
	hi := make([]uint64, max(len(s.hi), w+1))
	copy(hi, s.hi)
	hi[w] |= 1 << uint(i%64)
	s.hi = hi
}

func (s *dbSet) has(i int) bool {
	if i < 64 {
		return s.lo&(1<<uint(i)) != 0
	}
	w := i/64 - 1
	return w < len(s.hi) && s.hi[w]&(1<<uint(i%64)) != 0
}

// and keeps only the databases also in o.
func (s *dbSet) and(o dbSet) {
	s.lo &= o.lo
	if len(s.hi) == 0 {
		return
	}
	hi := make([]uint64, len(s.hi))
	for w := range hi {
		if w < len(o.hi) {
			hi[w] = s.hi[w] & o.hi[w]
		}
	}
	s.hi = hi
}

// or adds the databases of o.
func (s *dbSet) or(o dbSet) {
	s.lo |= o.lo
	if len(o.hi) == 0 {
		return
	}
	hi := make([]uint64, max(len(s.hi), len(o.hi)))
	copy(hi, s.hi)
	for w, x := range o.hi {
		hi[w] |= x
	}
	s.hi = hi
}

func (s *dbSet) count() int {
	n := bits.OnesCount64(s.lo)
	for _, x := range s.hi {
		n += bits.OnesCount64(x)
	}
	return n
}

// next returns the smallest database index at or after i, or -1.
func (s *dbSet) next(i int) int {
	if i < 64 {
		if m := s.lo >> uint(i); m != 0 {
			return i + bits.TrailingZeros64(m)
		}
		i = 64
	}
	for w := i/64 - 1; w < len(s.hi); w++ {
		m := s.hi[w]
		base := (w + 1) * 64
		if base < i {
			m >>= uint(i - base)
			base = i
		}
		if m != 0 {
			return base + bits.TrailingZeros64(m)
		}
	}
	return -1
}

// equal reports whether s and o hold the same databases.
func (s *dbSet) equal(o dbSet) bool {
	a := slices.Clone(s.hi)
	b := slices.Clone(o.hi)
	for len(a) > 0 && a[len(a)-1] == 0 {
		a = a[:len(a)-1]
	}
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return s.lo == o.lo && slices.Equal(a, b)
}
