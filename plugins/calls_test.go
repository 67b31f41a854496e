package plugins_test

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/grantsql/grant/plugins"
	"github.com/grantsql/grant/routing/routecfg"
	"github.com/grantsql/grant/sharding"
)

// TestCallerContextEnds checks that the end of the caller's context (a
// cancel without a deadline, or a deadline before the resolver's timeout)
// ends a call the plugin does not answer, and that the next call is not
// handed the late answer.
func TestCallerContextEnds(t *testing.T) {
	spec := testSpec(t, "--hang", "JP")
	spec.Timeout = routecfg.Duration(10 * time.Second)
	r := newResolver(t, "geo", spec)

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := r.Resolve(ctx, sharding.KeyOf("JP"))
	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 5*time.Second)

	dctx, dcancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer dcancel()
	_, err = r.Resolve(dctx, sharding.KeyOf("JP"))
	require.ErrorIs(t, err, context.DeadlineExceeded, "the caller's deadline, not the resolver's timeout")
	assert.NotErrorIs(t, err, plugins.ErrTimeout)

	for key, want := range map[string]string{"DE": "s0", "US": "s1", "BR": "s2"} {
		db, err := r.Resolve(context.Background(), sharding.KeyOf(key))
		require.NoError(t, err)
		assert.Equal(t, want, db, key)
	}
	assert.EqualValues(t, 1, stats(t, r).Starts, "a caller's end is not the plugin's fault")
}

// TestConcurrentCalls resolves from more goroutines than connections are
// kept idle, and checks every answer and that Close leaves no goroutine.
func TestConcurrentCalls(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r, err := sharding.New("geo", geoSpec(t), nil)
	require.NoError(t, err)
	want := map[string]string{"DE": "s0", "FR": "s0", "US": "s1", "CA": "s1", "BR": "s2", "JP": "s2"}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := range 32 {
		wg.Go(func() {
			for i := range 40 {
				for key, db := range want {
					got, err := r.Resolve(context.Background(), sharding.KeyOf(key))
					if err == nil && got != db {
						err = fmt.Errorf("goroutine %d, call %d: %s answered %s, want %s", g, i, key, got, db)
					}
					if err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.EqualValues(t, 32*40*len(want), stats(t, r).Calls)
	require.NoError(t, r.(io.Closer).Close())
	requireNoChild(t, geoBin)
}
