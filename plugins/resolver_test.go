package plugins_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/grantsql/grant/plugins"
	"github.com/grantsql/grant/routing/routecfg"
	"github.com/grantsql/grant/sharding"
)

func stats(t testing.TB, r sharding.Resolver) plugins.Stats {
	s, ok := plugins.StatsOf(r)
	require.True(t, ok)
	return s
}

func TestResolve(t *testing.T) {
	r := newResolver(t, "geo", geoSpec(t))
	ctx := context.Background()
	for key, want := range map[any]string{"DE": "s0", "fr": "s0", "US": "s1", "BR": "s2", "JP": "s2"} {
		db, err := r.Resolve(ctx, sharding.KeyOf(key))
		require.NoError(t, err, key)
		assert.Equal(t, want, db, key)
	}
	assert.Equal(t, []string{"s0", "s1", "s2"}, r.Databases())

	_, err := r.Resolve(ctx, sharding.KeyOf(nil))
	require.ErrorIs(t, err, sharding.ErrNullKey)
	_, err = r.Resolve(ctx, sharding.KeyOf(42))
	require.ErrorIs(t, err, sharding.ErrKeyType, "the plugin's own ErrKeyType travels back")
	assert.Contains(t, err.Error(), `resolver "geo": key int(42)`)
	_, err = r.Resolve(ctx, sharding.KeyOf(struct{}{}))
	require.ErrorIs(t, err, sharding.ErrKeyType, "a type a plugin cannot receive")
	_, err = r.Resolve(ctx, sharding.CompositeKey("DE", "x"))
	require.ErrorIs(t, err, sharding.ErrKeyType)

	s := stats(t, r)
	assert.EqualValues(t, 1, s.Starts)
	assert.EqualValues(t, 7, s.Calls, "no call for the NULL key and the unencodable one")
	assert.Zero(t, s.CacheHits)
}

func TestResolveNoShard(t *testing.T) {
	spec := geoSpec(t)
	spec.Args = []string{"--region", "eu=s0"} // no default
	r := newResolver(t, "geo", spec)
	_, err := r.Resolve(context.Background(), sharding.KeyOf("US"))
	require.ErrorIs(t, err, sharding.ErrNoShard)
	assert.Contains(t, err.Error(), `plugin "geo": geo: country "US" is in no configured region`)
}

func TestResolveBatch(t *testing.T) {
	r := newResolver(t, "geo", testSpec(t, "--default", ""))
	br := r.(sharding.BatchResolver)
	keys := []sharding.Key{sharding.KeyOf("DE"), sharding.KeyOf(nil), sharding.KeyOf("US"), sharding.KeyOf("BR"), sharding.KeyOf([]byte("nl"))}
	dbs, err := br.ResolveBatch(context.Background(), keys)
	require.NoError(t, err)
	assert.Equal(t, []string{"s0", "", "s1", "", "s0"}, dbs, "NULL and no-shard keys answer empty")
	s := stats(t, r)
	assert.EqualValues(t, 1, s.Calls, "one call for the batch")
	assert.EqualValues(t, 4, s.Keys)

	_, err = br.ResolveBatch(context.Background(), []sharding.Key{sharding.KeyOf("DE"), sharding.KeyOf(1.5)})
	require.ErrorIs(t, err, sharding.ErrKeyType)
	assert.Contains(t, err.Error(), "float64(1.5)")
}

func TestCache(t *testing.T) {
	spec := geoSpec(t)
	spec.Cache = &sharding.CacheSpec{Size: 100, TTL: routecfg.Duration(time.Minute)}
	r := newResolver(t, "geo", spec)
	ctx := context.Background()
	for range 3 {
		db, err := r.Resolve(ctx, sharding.KeyOf("DE"))
		require.NoError(t, err)
		assert.Equal(t, "s0", db)
	}
	dbs, err := r.(sharding.BatchResolver).ResolveBatch(ctx, []sharding.Key{sharding.KeyOf("DE"), sharding.KeyOf("US")})
	require.NoError(t, err)
	assert.Equal(t, []string{"s0", "s1"}, dbs)
	s := stats(t, r)
	assert.EqualValues(t, 2, s.Calls)
	assert.EqualValues(t, 3, s.CacheHits)
}

func TestUnknownDatabaseAnswered(t *testing.T) {
	r := newResolver(t, "geo", testSpec(t, "--answer", "s9"))
	_, err := r.Resolve(context.Background(), sharding.KeyOf("DE"))
	require.ErrorIs(t, err, plugins.ErrAnswer)
	var pe *plugins.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "geo", pe.Resolver)
	assert.Equal(t, testBin, pe.Path)
	assert.Contains(t, err.Error(), `database "s9" is not one of its databases ["s0" "s1" "s2"]`)
	assert.False(t, errors.Is(err, sharding.ErrNoShard), "not taken for a key no database holds")
}

func TestTimeout(t *testing.T) {
	spec := testSpec(t, "--hang", "JP")
	spec.Timeout = routecfg.Duration(100 * time.Millisecond)
	r := newResolver(t, "geo", spec)
	ctx := context.Background()
	start := time.Now()
	_, err := r.Resolve(ctx, sharding.KeyOf("JP"))
	require.ErrorIs(t, err, plugins.ErrTimeout)
	assert.Less(t, time.Since(start), time.Second)
	assert.Contains(t, err.Error(), `plugin "geo" (`+testBin+`): timed out after 100ms`)

	db, err := r.Resolve(ctx, sharding.KeyOf("DE"))
	require.NoError(t, err, "other keys are still answered")
	assert.Equal(t, "s0", db)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = r.Resolve(cctx, sharding.KeyOf("FR"))
	require.ErrorIs(t, err, context.Canceled, "the caller's end is not a timeout")

	for range 3 {
		_, err = r.Resolve(ctx, sharding.KeyOf("JP"))
		require.ErrorIs(t, err, plugins.ErrTimeout)
	}
	require.Eventually(t, func() bool {
		db, err := r.Resolve(ctx, sharding.KeyOf("US"))
		return err == nil && db == "s1"
	}, 2*time.Second, 10*time.Millisecond)
	assert.EqualValues(t, 2, stats(t, r).Starts, "hung after 3 timeouts in a row: restarted")
}

func TestRestartAfterKill(t *testing.T) {
	r := newResolver(t, "geo", geoSpec(t))
	ctx := context.Background()
	_, err := r.Resolve(ctx, sharding.KeyOf("DE"))
	require.NoError(t, err)
	pids := running(t, geoBin)
	require.Len(t, pids, 1)
	sock := socketOf(t, pids[0])
	kill9(t, pids[0])

	start := time.Now()
	db, err := r.Resolve(ctx, sharding.KeyOf("US"))
	require.NoError(t, err, "the call waits for the restart")
	assert.Equal(t, "s1", db)
	assert.Less(t, time.Since(start), time.Second)
	assert.EqualValues(t, 2, stats(t, r).Starts)
	require.Eventually(t, func() bool { return len(children(t, geoBin)) == 1 }, time.Second, 10*time.Millisecond,
		"the killed process is reaped: %v", children(t, geoBin))
	requireRemoved(t, sock) // by Grant: the plugin could not
}

func TestCrashingKey(t *testing.T) {
	spec := testSpec(t, "--crash", "JP")
	spec.Timeout = routecfg.Duration(300 * time.Millisecond)
	r := newResolver(t, "geo", spec)
	ctx := context.Background()
	_, err := r.Resolve(ctx, sharding.KeyOf("JP"))
	require.ErrorIs(t, err, plugins.ErrUnavailable)
	assert.Contains(t, err.Error(), `plugin "geo"`)
	assert.Greater(t, stats(t, r).Starts, uint64(1), "restarted between the attempts")
	require.Eventually(t, func() bool {
		db, err := r.Resolve(ctx, sharding.KeyOf("DE"))
		return err == nil && db == "s0"
	}, 5*time.Second, 20*time.Millisecond, "other keys are answered again")
}

func TestCloseLeavesNothing(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	r, err := sharding.New("geo", geoSpec(t), nil)
	require.NoError(t, err)
	_, err = r.Resolve(context.Background(), sharding.KeyOf("DE"))
	require.NoError(t, err)
	pids := running(t, geoBin)
	require.Len(t, pids, 1)
	sock := socketOf(t, pids[0])
	require.NoError(t, r.(io.Closer).Close())
	require.NoError(t, r.(io.Closer).Close(), "Close twice")
	requireNoChild(t, geoBin)
	requireRemoved(t, sock)
	_, err = r.Resolve(context.Background(), sharding.KeyOf("DE"))
	require.ErrorIs(t, err, plugins.ErrClosed)
}

func TestConfigErrors(t *testing.T) {
	good := geoSpec(t)
	cases := []struct {
		name string
		edit func(*sharding.Spec)
		path string
		msg  string
	}{
		{"wrong sha256", func(s *sharding.Spec) { s.SHA256 = "3f1c" + good.SHA256[4:] }, "sharding.resolvers.geo.sha256", "does not match " + geoBin + " (its SHA-256 is " + good.SHA256 + ")"},
		{"bad sha256", func(s *sharding.Spec) { s.SHA256 = "3f1c" }, "sharding.resolvers.geo.sha256", "want 64 hexadecimal digits"},
		{"no sha256", func(s *sharding.Spec) { s.SHA256 = "" }, "sharding.resolvers.geo.sha256", "required"},
		{"missing binary", func(s *sharding.Spec) { s.Path = geoBin + "-missing" }, "sharding.resolvers.geo.path", "plugin executable " + geoBin + "-missing not found"},
		{"no path", func(s *sharding.Spec) { s.Path = "" }, "sharding.resolvers.geo.path", "required"},
		{"directory", func(s *sharding.Spec) { s.Path = filepath.Dir(geoBin) }, "sharding.resolvers.geo.path", "is a directory"},
		{"no databases", func(s *sharding.Spec) { s.Databases = nil }, "sharding.resolvers.geo.databases", "required"},
		{"cache size", func(s *sharding.Spec) { s.Cache = &sharding.CacheSpec{} }, "sharding.resolvers.geo.cache.size", "must be positive"},
		{"foreign field", func(s *sharding.Spec) { s.Default = "s0" }, "sharding.resolvers.geo.default", `not used by type "plugin"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			spec := good
			c.edit(&spec)
			for what, err := range map[string]error{
				"Check": sharding.DefaultRegistry().Check("geo", spec, nil),
				"New":   func() error { _, err := sharding.New("geo", spec, nil); return err }(),
			} {
				var ce *sharding.ConfigError
				require.ErrorAs(t, err, &ce, what)
				assert.Equal(t, c.path, ce.Path, what)
				assert.Contains(t, ce.Message, c.msg, what)
			}
			requireNoChild(t, geoBin)
		})
	}
}

func TestCheckStartsNothing(t *testing.T) {
	require.NoError(t, sharding.DefaultRegistry().Check("geo", geoSpec(t), []string{"s0", "s1", "s2"}))
	assert.Empty(t, children(t, geoBin))
	err := sharding.DefaultRegistry().Check("geo", geoSpec(t), []string{"s0", "s1"})
	require.ErrorContains(t, err, `sharding.resolvers.geo.databases[2]: unknown database "s2"`)
}

func TestBuiltinTypesRejectPluginFields(t *testing.T) {
	for _, spec := range []sharding.Spec{
		{Type: "hash", Databases: []string{"s0"}, Path: "x"},
		{Type: "modulo", Databases: []string{"s0"}, SHA256: "x"},
		{Type: "list", Values: map[string]string{"a": "s0"}, Args: []string{"x"}},
		{Type: "range", Ranges: []sharding.RangeSpec{{Database: "s0"}}, Timeout: 1},
		{Type: "hash", Databases: []string{"s0"}, Cache: &sharding.CacheSpec{Size: 1}},
	} {
		_, err := sharding.New("r", spec, nil)
		require.ErrorIs(t, err, sharding.ErrConfig)
		assert.Contains(t, err.Error(), "not used by type")
	}
}

func TestChangedBinaryRefusedAtRestart(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "geo-resolver")
	data, err := os.ReadFile(geoBin)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bin, data, 0o755))
	spec := geoSpec(t)
	spec.Path, spec.Timeout = bin, routecfg.Duration(200*time.Millisecond)
	r := newResolver(t, "geo", spec)
	ctx := context.Background()
	_, err = r.Resolve(ctx, sharding.KeyOf("DE"))
	require.NoError(t, err)

	require.NoError(t, os.WriteFile(bin+".new", append(data, 0), 0o755)) // a changed executable
	require.NoError(t, os.Rename(bin+".new", bin))
	pids := running(t, bin)
	require.Len(t, pids, 1)
	kill9(t, pids[0])
	_, err = r.Resolve(ctx, sharding.KeyOf("US"))
	require.ErrorIs(t, err, plugins.ErrUnavailable)
	assert.Contains(t, err.Error(), "its SHA-256 no longer matches sharding.resolvers.geo.sha256")
	assert.Empty(t, running(t, bin))
}
