package wire

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallContextDeadline(t *testing.T) {
	deadline := time.Now().Add(30 * time.Millisecond)
	ctx, cancel := newCallContext(deadline)
	defer cancel()
	dl, ok := ctx.Deadline()
	assert.True(t, ok)
	assert.Equal(t, deadline, dl)
	assert.NoError(t, ctx.Err())
	assert.Nil(t, ctx.timer, "no timer before Done is asked for")
	child, stop := context.WithCancel(ctx)
	defer stop()
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done not closed at the deadline")
	}
	assert.False(t, time.Now().Before(deadline))
	assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
	<-child.Done()
	assert.ErrorIs(t, child.Err(), context.DeadlineExceeded, "a derived context ends with it")
	cancel()
	assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded, "the first end stays")
}

func TestCallContextWithoutDone(t *testing.T) {
	ctx, cancel := newCallContext(time.Now().Add(10 * time.Millisecond))
	defer cancel()
	require.Eventually(t, func() bool { return ctx.Err() != nil }, 5*time.Second, time.Millisecond,
		"Err sees the deadline without a timer")
	assert.ErrorIs(t, ctx.Err(), context.DeadlineExceeded)
	select {
	case <-ctx.Done():
	default:
		t.Fatal("Done after the deadline is closed")
	}

	past, cancel := newCallContext(time.Now().Add(-time.Second))
	defer cancel()
	<-past.Done()
	assert.ErrorIs(t, past.Err(), context.DeadlineExceeded)
}

func TestCallContextCancel(t *testing.T) {
	ctx, cancel := newCallContext(time.Now().Add(time.Hour))
	done := ctx.Done()
	require.NotNil(t, ctx.timer)
	cancel()
	<-done
	assert.ErrorIs(t, ctx.Err(), context.Canceled, "answered: the resolver's work is cancelled")
	assert.Nil(t, ctx.Value("x"))

	ctx, cancel = newCallContext(time.Now().Add(time.Hour))
	cancel()
	<-ctx.Done()
	assert.ErrorIs(t, ctx.Err(), context.Canceled)
}
