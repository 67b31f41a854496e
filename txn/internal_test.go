package txn

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestDelayIsFullJitterUnderTheCap(t *testing.T) {
	s := settings{base: 10 * time.Millisecond, max: time.Second}
	for attempt, limit := range map[int]time.Duration{
		1: 10 * time.Millisecond, 2: 20 * time.Millisecond, 4: 80 * time.Millisecond,
		7: 640 * time.Millisecond, 8: time.Second, 100: time.Second,
	} {
		lo, hi := limit, time.Duration(0)
		for range 1000 {
			d := s.delay(attempt)
			lo, hi = min(lo, d), max(hi, d)
		}
		assert.GreaterOrEqual(t, lo, time.Duration(0))
		assert.LessOrEqual(t, hi, limit, "attempt %d", attempt)
		assert.Greater(t, hi, limit/2, "attempt %d spreads over its range", attempt)
	}
	assert.Zero(t, (&settings{}).delay(3))
	huge := settings{base: time.Duration(1) << 61, max: time.Duration(1<<63 - 1)}
	assert.GreaterOrEqual(t, huge.delay(5), time.Duration(0), "no overflow")
}

func TestSavepointNames(t *testing.T) {
	assert.Equal(t, "txn_sp_1", savepointName(1))
	assert.Equal(t, "txn_sp_12", savepointName(12))
}

type valueDB struct{ names []string } // not comparable

func (valueDB) BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error) { return nil, nil }

func TestSameDB(t *testing.T) {
	a, b := &sql.DB{}, &sql.DB{}
	assert.True(t, sameDB(a, a))
	assert.False(t, sameDB(a, b))
	assert.False(t, sameDB(a, &sql.Conn{}))
	assert.False(t, sameDB(valueDB{}, valueDB{}), "a value that == would panic on is never the same")
	assert.False(t, sameDB(nil, a))
}

func TestErrorTexts(t *testing.T) {
	err := &RetryError{Attempts: 2, Err: errors.New("deadlock"), Stopped: context.Canceled}
	assert.Equal(t, "txn: context canceled after 2 attempts: deadlock", err.Error())
	p := &CallbackPanic{After: "rollback", Value: "oops", Stack: []byte("stack")}
	assert.Equal(t, "txn: AfterRollback callback panicked: oops\n\nstack", p.Error())
	assert.NoError(t, p.Unwrap())
}
