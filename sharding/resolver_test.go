package sharding

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestModulo(t *testing.T) {
	r := mustNewResolver(t, Spec{Type: "modulo", Databases: testDatabases})
	for _, tt := range []struct {
		v    any
		want string
	}{
		{int64(5), "s1"}, {0, "s0"}, {uint8(3), "s3"}, {int64(1000), "s0"},
		{"42", "s2"}, {[]byte("7"), "s3"}, {float64(6), "s2"}, {testCustomerID(9), "s1"},
		{uint64(math.MaxUint64), "s3"}, {sql.NullInt64{Int64: 2, Valid: true}, "s2"},
	} {
		db, err := r.Resolve(bg, KeyOf(tt.v))
		require.NoError(t, err, "%T %v", tt.v, tt.v)
		assert.Equal(t, tt.want, db, "%T %v", tt.v, tt.v)
	}
	assert.Equal(t, testDatabases, r.Databases())

	for _, tt := range []struct {
		key  Key
		want error
		msg  string
	}{
		{KeyOf(int64(-5)), ErrKeyType, `resolver "r": key int64(-5): modulo needs a non-negative integer`},
		{KeyOf("abc"), ErrKeyType, `key string("abc"): modulo needs an integer; a string is accepted only in canonical decimal form`},
		{KeyOf("042"), ErrKeyType, "canonical decimal"},
		{KeyOf(time.Unix(0, 0)), ErrKeyType, "modulo needs an integer, not a time.Time"},
		{KeyOf(2.5), ErrKeyType, "float64 2.5 is not an integer"},
		{KeyOf(nil), ErrNullKey, "NULL"},
		{CompositeKey(1, 2), ErrKeyType, "not a composite key of 2 values"},
	} {
		_, err := r.Resolve(bg, tt.key)
		require.ErrorIs(t, err, tt.want, tt.key.String())
		assert.Contains(t, err.Error(), tt.msg)
	}
}

func TestModuloBuckets(t *testing.T) {
	r := mustNewResolver(t, Spec{Type: "modulo", Databases: []string{"s0", "s1", "s0", "s2"}})
	assert.Equal(t, []string{"s0", "s1", "s2"}, r.Databases())
	db, err := r.Resolve(bg, KeyOf(2))
	require.NoError(t, err)
	assert.Equal(t, "s0", db)
	db, err = r.Resolve(bg, KeyOf(3))
	require.NoError(t, err)
	assert.Equal(t, "s2", db)
}

func TestList(t *testing.T) {
	spec := Spec{Type: "list", Values: map[string]string{
		"us": "s0", "eu": "s1", "1": "s2", "2024-01-02T00:00:00Z": "s3", "": "s3",
	}}
	r := mustNewResolver(t, spec)
	assert.Equal(t, []string{"s0", "s1", "s2", "s3"}, r.Databases())
	for _, tt := range []struct {
		v    any
		want string
	}{
		{"us", "s0"}, {[]byte("eu"), "s1"}, {testRegionName("us"), "s0"},
		{int64(1), "s2"}, {"1", "s2"}, {uint8(1), "s2"}, {1.0, "s2"},
		{time.Date(2024, 1, 2, 9, 0, 0, 0, time.FixedZone("JST", 9*3600)), "s3"},
		{"", "s3"},
	} {
		db, err := r.Resolve(bg, KeyOf(tt.v))
		require.NoError(t, err, "%T %v", tt.v, tt.v)
		assert.Equal(t, tt.want, db, "%T %v", tt.v, tt.v)
	}
	_, err := r.Resolve(bg, KeyOf("jp"))
	require.ErrorIs(t, err, ErrNoShard)
	assert.EqualError(t, err, `sharding: resolver "r": key string("jp"): value is not in the list and the list has no default`)
	_, err = r.Resolve(bg, KeyOf("01"))
	require.ErrorIs(t, err, ErrNoShard)
	_, err = r.Resolve(bg, KeyOf(nil))
	require.ErrorIs(t, err, ErrNullKey)
	_, err = r.Resolve(bg, CompositeKey("us", 1))
	require.ErrorIs(t, err, ErrKeyType)

	spec.Default = "s4"
	r = mustNewResolver(t, spec)
	db, err := r.Resolve(bg, KeyOf("jp"))
	require.NoError(t, err)
	assert.Equal(t, "s4", db)
	assert.Equal(t, []string{"s0", "s1", "s2", "s3", "s4"}, r.Databases())
	// The default does not catch NULL or unsupported keys.
	_, err = r.Resolve(bg, KeyOf(nil))
	require.ErrorIs(t, err, ErrNullKey)
	_, err = r.Resolve(bg, KeyOf(true))
	require.ErrorIs(t, err, ErrKeyType)
}

func TestFuncResolver(t *testing.T) {
	reg := NewRegistry()
	errTenant := errors.New("tenant suspended")
	var calls int
	reg.RegisterFunc("by_tenant", func(_ context.Context, k Key) (string, error) {
		calls++
		switch k.Value(0) {
		case "acme":
			return "s1", nil
		case "gone":
			return "s9", nil
		case "bad":
			return "", errTenant
		}
		return "s0", nil
	})
	for _, spec := range []Spec{
		{Type: "func", Func: "by_tenant", Databases: []string{"s0", "s1"}},
		{Type: "by_tenant", Databases: []string{"s0", "s1"}},
		{Type: "by_tenant", Func: "by_tenant", Databases: []string{"s0", "s1"}},
	} {
		r, err := reg.New("tenants", spec, testDatabases)
		require.NoError(t, err)
		assert.Equal(t, []string{"s0", "s1"}, r.Databases())
		db, err := r.Resolve(bg, KeyOf("acme"))
		require.NoError(t, err)
		assert.Equal(t, "s1", db)

		_, err = r.Resolve(bg, KeyOf("gone"))
		require.ErrorIs(t, err, ErrNoShard)
		assert.Contains(t, err.Error(), `function "by_tenant" returned database "s9", which is not in its databases ["s0" "s1"]`)

		_, err = r.Resolve(bg, KeyOf("bad"))
		require.ErrorIs(t, err, errTenant)
		assert.EqualError(t, err, `sharding: resolver "tenants": key string("bad"): function "by_tenant": tenant suspended`)

		before := calls
		_, err = r.Resolve(bg, KeyOf(nil))
		require.ErrorIs(t, err, ErrNullKey)
		_, err = r.Resolve(bg, CompositeKey("acme", (*int)(nil)))
		require.ErrorIs(t, err, ErrNullKey)
		_, err = r.Resolve(bg, CompositeKey())
		require.ErrorIs(t, err, ErrKeyType)
		assert.Equal(t, before, calls, "the function never sees a NULL key")

		// Types the built-in resolvers reject still reach the function.
		db, err = r.Resolve(bg, KeyOf(struct{ ID int }{7}))
		require.NoError(t, err)
		assert.Equal(t, "s0", db)
	}
}

func TestBound(t *testing.T) {
	var b Bound
	_, ok := b.Value()
	assert.False(t, ok)
	assert.False(t, b.Inclusive())
	v, ok := InclusiveBound(3).Value()
	assert.True(t, ok)
	assert.Equal(t, 3, v)
	assert.True(t, InclusiveBound(3).Inclusive())
	assert.False(t, ExclusiveBound(3).Inclusive())
}

func TestErrorTypes(t *testing.T) {
	var ce error = &ConfigError{Path: "a.b", Message: "bad"}
	assert.ErrorIs(t, ce, ErrConfig)
	assert.EqualError(t, ce, "a.b: bad")
	ke := &KeyError{Key: KeyOf(1), Err: ErrNoShard}
	assert.EqualError(t, ke, "sharding: key int(1): sharding: no database for key")
}
