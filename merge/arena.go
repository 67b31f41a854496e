package merge

import "database/sql/driver"

// arena copies byte slices into large shared chunks, so keeping a []byte
// value costs no allocation per value. A slice handed out stays valid until
// reset: reset reuses the newest chunk, and older chunks live on for as long
// as slices into them do.
type arena struct{ buf []byte }

const (
	arenaMinChunk = 4 << 10
	arenaMaxGrow  = 1 << 20
)

func (a *arena) copy(b []byte) []byte {
	if len(b) > cap(a.buf)-len(a.buf) {
		n := max(arenaMinChunk, min(2*cap(a.buf), arenaMaxGrow), len(b))
		a.buf = make([]byte, 0, n)
	}
	start := len(a.buf)
	a.buf = append(a.buf, b...)
	return a.buf[start:len(a.buf):len(a.buf)]
}

func (a *arena) reset() { a.buf = a.buf[:0] }

// clone returns v, with a []byte copied into the arena (a nil []byte stays nil).
func (a *arena) clone(v driver.Value) driver.Value {
	if b, ok := v.([]byte); ok && b != nil {
		return a.copy(b)
	}
	return v
}

// cloneRow copies src into dst (same length), copying []byte values.
func (a *arena) cloneRow(dst, src []driver.Value) {
	for i, v := range src {
		dst[i] = a.clone(v)
	}
}
