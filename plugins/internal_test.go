package plugins

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCacheEviction(t *testing.T) {
	c := newCache(4, 0)
	defer c.close()
	for _, k := range []string{"a", "b"} {
		c.put([]byte(k), "db-"+k)
	}
	c.put([]byte("c"), "db-c") // a new generation: a, b are the previous one
	db, ok := c.get([]byte("a"))
	require.True(t, ok)
	assert.Equal(t, "db-a", db) // and a moves to the current one
	c.put([]byte("d"), "db-d")  // current full (c, a): d starts a new one
	_, ok = c.get([]byte("b"))  // b was in the generation dropped
	assert.False(t, ok, "b evicted")
	for _, k := range []string{"a", "c", "d"} {
		_, ok := c.get([]byte(k))
		assert.True(t, ok, k)
	}
	assert.LessOrEqual(t, c.len(), 4)
}

func TestCacheTTL(t *testing.T) {
	c := newCache(10, 30*time.Millisecond)
	defer c.close()
	c.put([]byte("a"), "s0")
	_, ok := c.get([]byte("a"))
	require.True(t, ok)
	require.Eventually(t, func() bool { _, ok := c.get([]byte("a")); return !ok }, time.Second, 5*time.Millisecond)
}

func TestBackoff(t *testing.T) {
	assert.Zero(t, backoff(0))
	assert.Zero(t, backoff(1), "the first restart is immediate")
	assert.Equal(t, firstBackoff, backoff(2))
	assert.Equal(t, 2*firstBackoff, backoff(3))
	assert.Equal(t, maxBackoff, backoff(100))
}

func TestLogWriter(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}}))
	w := newLogWriter(l.With("plugin", "geo"), "stderr")
	for _, chunk := range []string{
		"2024/01/02 03:04:05 starting up\n",
		`{"@level":"warn","@message":"slow","@module":"x","@timestamp":"t","ms":12}` + "\n",
		"[DEBUG] plugin: detail\n[ERR] bad", " thing\n",
		"panic: boom\n", "goroutine 1 [running]:\n",
		"\n",
	} {
		_, err := w.Write([]byte(chunk))
		require.NoError(t, err)
	}
	want := []string{
		`level=INFO msg="starting up" plugin=geo stream=stderr`,
		`level=WARN msg=slow plugin=geo stream=stderr ms=12`,
		`level=DEBUG msg="plugin: detail" plugin=geo stream=stderr`,
		`level=ERROR msg="bad thing" plugin=geo stream=stderr`,
		`level=ERROR msg="panic: boom" plugin=geo stream=stderr`,
		`level=ERROR msg="goroutine 1 [running]:" plugin=geo stream=stderr`,
	}
	assert.Equal(t, want, strings.Split(strings.TrimSpace(buf.String()), "\n"))
}
