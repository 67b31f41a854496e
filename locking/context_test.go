package locking

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLockRequests(t *testing.T) {
	bg := context.Background()
	_, ok := FromContext(bg)
	require.False(t, ok, "a plain context asks for no lock")

	for _, c := range []struct {
		ctx  context.Context
		want Request
		text string
	}{
		{ForUpdate(bg), Request{Strength: Update}, "FOR UPDATE"},
		{ForShare(bg), Request{Strength: Share}, "FOR SHARE"},
		{ForNoKeyUpdate(bg), Request{Strength: NoKeyUpdate}, "FOR NO KEY UPDATE"},
		{ForKeyShare(bg), Request{Strength: KeyShare}, "FOR KEY SHARE"},
		{ForUpdate(bg, NoWait), Request{Strength: Update, Wait: FailFast}, "FOR UPDATE NOWAIT"},
		{ForUpdate(bg, SkipLocked, Of("a", "b")), Request{Strength: Update, Wait: Skip, Of: []string{"a", "b"}}, "FOR UPDATE OF a, b SKIP LOCKED"},
		{ForShare(bg, Timeout(1500*time.Millisecond)), Request{Strength: Share, Timeout: 1500 * time.Millisecond}, "FOR SHARE (timeout 1.5s)"},
		{ForUpdate(bg, NoWait, SkipLocked), Request{Strength: Update, Wait: Skip}, "FOR UPDATE SKIP LOCKED"},
		{ForUpdate(bg, SkipLocked, NoWait, nil), Request{Strength: Update, Wait: FailFast}, "FOR UPDATE NOWAIT"},
		{ForUpdate(ForShare(bg, NoWait)), Request{Strength: Update}, "FOR UPDATE"},
	} {
		got, ok := FromContext(c.ctx)
		require.True(t, ok)
		require.Equal(t, c.want, got)
		require.Equal(t, c.text, got.String())
	}
}

func TestOfCopiesItsArguments(t *testing.T) {
	tables := []string{"a"}
	ctx := ForUpdate(context.Background(), Of(tables...))
	tables[0] = "changed"
	r, _ := FromContext(ctx)
	require.Equal(t, []string{"a"}, r.Of)
}

func TestLockAndVersionAreIndependent(t *testing.T) {
	bg := context.Background()
	_, ok := VersionFrom(bg)
	require.False(t, ok)

	ctx := ExpectVersion(ForUpdate(bg, NoWait), 7)
	v, ok := VersionFrom(ctx)
	require.True(t, ok)
	require.Equal(t, int64(7), v)
	r, ok := FromContext(ctx)
	require.True(t, ok)
	require.Equal(t, FailFast, r.Wait)

	ctx = ExpectVersion(ctx, 0) // version 0 is a version
	v, ok = VersionFrom(ctx)
	require.True(t, ok)
	require.Zero(t, v)

	noLock := WithoutLock(ctx)
	_, ok = FromContext(noLock)
	require.False(t, ok)
	_, ok = VersionFrom(noLock)
	require.True(t, ok, "WithoutLock keeps the version")

	noVersion := WithoutVersion(ctx)
	_, ok = VersionFrom(noVersion)
	require.False(t, ok)
	_, ok = FromContext(noVersion)
	require.True(t, ok, "WithoutVersion keeps the lock")

	require.Equal(t, bg, WithoutLock(bg), "nothing to remove: same context")
	require.Equal(t, bg, WithoutVersion(bg))

	// The parent context is not changed by its children.
	parent := ForShare(bg)
	_ = ExpectVersion(ForUpdate(parent), 3)
	r, _ = FromContext(parent)
	require.Equal(t, Share, r.Strength)
	_, ok = VersionFrom(parent)
	require.False(t, ok)
}

func TestStrengthString(t *testing.T) {
	require.Equal(t, "strength(0)", Strength(0).String())
	require.Equal(t, "strength(9)", Strength(9).String())
}

func BenchmarkFromContext(b *testing.B) {
	ctx := ForUpdate(context.Background(), NoWait)
	ctx = context.WithValue(ctx, struct{}{}, 1) // a few layers above it, as in real code
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := FromContext(ctx); !ok {
			b.Fatal("no request")
		}
	}
}
