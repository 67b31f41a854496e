package sanitize

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

var roundsFlag = flag.Int("sanitize.rounds", 0,
	"values per session in TestRoundTrip (default 20000, or $GRANT_SANITIZE_ROUNDS; 2000 with -short)")

func rounds(t *testing.T) int {
	if *roundsFlag > 0 {
		return *roundsFlag
	}
	if v := os.Getenv("GRANT_SANITIZE_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "GRANT_SANITIZE_ROUNDS")
		return n
	}
	if testing.Short() {
		return 2000
	}
	return 20000
}

// batchSize is how many literals one SELECT carries.
const batchSize = 100

// TestRoundTrip sends random values, quoted, to each server and checks that
// SELECT <literal> returns exactly the value, or that Quote refused it with
// the documented error. The seed is fixed, so a failure repeats.
func TestRoundTrip(t *testing.T) {
	n := rounds(t)
	for _, s := range sessions() {
		t.Run(s.name, func(t *testing.T) {
			conn := s.setup(t)
			r := rand.New(rand.NewPCG(1, 2))
			start := time.Now()
			var batch []any
			var lits []string
			sent, refused := 0, 0
			for i := 0; i < n; i++ {
				v := randValue(r)
				lit, err := s.q.Quote(v)
				if want := wantErr(s.q, v); want != nil {
					require.ErrorIs(t, err, want, "%#v", v)
					refused++
					continue
				}
				require.NoError(t, err, "%#v", v)
				batch, lits = append(batch, v), append(lits, lit)
				if len(batch) == batchSize || i == n-1 {
					checkBatch(t, conn, s.q, batch, lits)
					sent += len(batch)
					batch, lits = batch[:0], lits[:0]
				}
			}
			if len(batch) > 0 {
				checkBatch(t, conn, s.q, batch, lits)
				sent += len(batch)
			}
			t.Logf("%s: %d values: %d returned exactly by SELECT, %d refused with the documented error, in %v",
				s.name, n, sent, refused, time.Since(start).Round(time.Millisecond))
		})
	}
}

// wantErr is the documented rule for the values Quote refuses.
func wantErr(q Quoter, v any) error {
	switch x := v.(type) {
	case string:
		return wantStringErr(q, x)
	case json.RawMessage:
		return wantStringErr(q, string(x))
	case float32:
		return wantFloatErr(q, float64(x))
	case float64:
		return wantFloatErr(q, x)
	case uint64:
		if q.Dialect == dialect.SQLite && x > math.MaxInt64 {
			return ErrUnsupportedValue
		}
	}
	return nil
}

func wantFloatErr(q Quoter, f float64) error {
	switch {
	case q.Dialect == dialect.MySQL && (math.IsNaN(f) || math.IsInf(f, 0)):
		return ErrUnsupportedValue
	case q.Dialect == dialect.SQLite && math.IsNaN(f):
		return ErrUnsupportedValue
	}
	return nil
}

func checkBatch(t *testing.T, conn *sql.Conn, q Quoter, vals []any, lits []string) {
	t.Helper()
	dests := make([]any, len(vals))
	for i, v := range vals {
		dests[i] = dest(q, v)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	query := "SELECT " + strings.Join(lits, ", ")
	if err := conn.QueryRowContext(ctx, query).Scan(dests...); err != nil {
		// Find the literal the server rejected.
		for i, lit := range lits {
			err := conn.QueryRowContext(ctx, "SELECT "+lit).Scan(dest(q, vals[i]))
			require.NoError(t, err, "SELECT %s\nvalue %#v", lit, vals[i])
		}
		require.NoError(t, err, query)
	}
	for i, v := range vals {
		if msg := compare(q, v, dests[i]); msg != "" {
			t.Fatalf("SELECT %s\nvalue %#v\n%s", lits[i], v, msg)
		}
	}
}

// dest is where a value's column is scanned.
func dest(q Quoter, v any) any {
	switch v.(type) {
	case string, json.RawMessage:
		return new(string)
	case []byte:
		return new([]byte)
	case float64:
		return new(float64)
	case float32:
		return new(float32)
	case int64:
		return new(int64)
	case uint64:
		return new(uint64)
	case bool:
		return new(bool)
	case time.Time:
		if q.Dialect == dialect.SQLite {
			return new(string)
		}
		return new(time.Time)
	}
	return new(any)
}

// compare returns "" when the scanned column equals v by the documented
// rule, and a description otherwise.
func compare(q Quoter, v, d any) string {
	got := func(g any) string { return fmt.Sprintf("got %#v", g) }
	switch want := v.(type) {
	case string:
		if g := *d.(*string); g != want {
			return got(g)
		}
	case json.RawMessage:
		if g := *d.(*string); g != string(want) {
			return got(g)
		}
	case []byte:
		if g := *d.(*[]byte); !bytes.Equal(g, want) {
			return got(g)
		}
	case float64:
		if g := *d.(*float64); !sameFloat(q, want, g) {
			return got(g)
		}
	case float32:
		if g := *d.(*float32); !sameFloat(q, float64(want), float64(g)) {
			return got(g)
		}
	case int64:
		if g := *d.(*int64); g != want {
			return got(g)
		}
	case uint64:
		if g := *d.(*uint64); g != want {
			return got(g)
		}
	case bool:
		if g := *d.(*bool); g != want {
			return got(g)
		}
	case time.Time:
		if q.Dialect == dialect.SQLite {
			s := *d.(*string)
			g, err := time.Parse("2006-01-02 15:04:05.999999999-07:00", s)
			if err != nil || !g.Equal(want) {
				return got(s)
			}
			break
		}
		// PostgreSQL and MySQL keep microseconds; the rest is truncated.
		if g := *d.(*time.Time); !g.Equal(want.Truncate(time.Microsecond)) {
			return got(g)
		}
	case nil:
		if g := *d.(*any); g != nil {
			return got(g)
		}
	}
	return ""
}

// sameFloat: the same bits, except that MySQL reads -0 as 0 and any NaN
// equals any other.
func sameFloat(q Quoter, want, got float64) bool {
	switch {
	case math.IsNaN(want):
		return math.IsNaN(got)
	case want == 0 && q.Dialect == dialect.MySQL:
		return got == 0
	}
	return math.Float64bits(want) == math.Float64bits(got)
}
