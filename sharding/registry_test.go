package sharding

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testDatabases = []string{"s0", "s1", "s2", "s3"}

func TestNewRejects(t *testing.T) {
	rng := func(rs ...RangeSpec) Spec { return Spec{Type: "range", Ranges: rs} }
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{"no type", Spec{Databases: testDatabases},
			"sharding.resolvers.x.type: required: one of func, hash, list, modulo, range"},
		{"unknown type", Spec{Type: "modulus", Databases: testDatabases},
			`sharding.resolvers.x.type: unknown resolver type "modulus": want one of func, hash, list, modulo, range`},
		{"unknown database", Spec{Type: "modulo", Databases: []string{"s0", "s1", "s9"}},
			`sharding.resolvers.x.databases[2]: unknown database "s9"`},
		{"empty database name", Spec{Type: "hash", Databases: []string{"s0", ""}},
			"sharding.resolvers.x.databases[1]: empty database name"},
		{"no databases", Spec{Type: "hash"},
			"sharding.resolvers.x.databases: required: list at least one database"},
		{"modulo no databases", Spec{Type: "modulo", Databases: []string{}},
			"sharding.resolvers.x.databases: required: list at least one database"},
		{"unused field", Spec{Type: "hash", Databases: testDatabases, Default: "s0"},
			`sharding.resolvers.x.default: not used by type "hash"`},
		{"unused options", Spec{Type: "range", Ranges: []RangeSpec{{To: 1, Database: "s0"}}, Options: map[string]any{"a": 1}},
			`sharding.resolvers.x.options: not used by type "range"`},
		{"func missing", Spec{Type: "func", Databases: testDatabases},
			"sharding.resolvers.x.func: required: the name of a function registered with sharding.RegisterFunc"},
		{"func unknown", Spec{Type: "func", Func: "nope", Databases: testDatabases},
			`sharding.resolvers.x.func: no function "nope" is registered with sharding.RegisterFunc`},

		{"no ranges", rng(), "sharding.resolvers.x.ranges: required: list at least one range"},
		{"gap", rng(RangeSpec{To: 1000, Database: "s0"}, RangeSpec{From: 1000, To: 2000, Database: "s1"}, RangeSpec{From: 3000, Database: "s2"}),
			"sharding.resolvers.x.ranges[2]: gap after ranges[1] [1000, 2000): this range [3000, +inf) starts later, so keys in [2000, 3000) have no database"},
		{"overlap", rng(RangeSpec{To: 1000, Database: "s0"}, RangeSpec{From: 1000, To: 2000, Database: "s1"}, RangeSpec{From: 1500, Database: "s2"}),
			"sharding.resolvers.x.ranges[2]: overlaps ranges[1]: [1500, +inf) and [1000, 2000)"},
		{"overlap open first", rng(RangeSpec{To: 1000, Database: "s0"}, RangeSpec{From: 0, To: 500, Database: "s1"}),
			"sharding.resolvers.x.ranges[1]: overlaps ranges[0]: [0, 500) and (-inf, 1000)"},
		{"unsorted", rng(RangeSpec{From: 1000, To: 2000, Database: "s0"}, RangeSpec{From: 0, To: 1000, Database: "s1"}),
			"sharding.resolvers.x.ranges[1]: out of order: [0, 1000) comes before ranges[0] [1000, 2000); list ranges in ascending order"},
		{"empty range", rng(RangeSpec{From: 5, To: 5, Database: "s0"}),
			"sharding.resolvers.x.ranges[0]: empty range [5, 5): from must be below to (to is exclusive)"},
		{"reversed range", rng(RangeSpec{From: 9, To: 5, Database: "s0"}),
			"sharding.resolvers.x.ranges[0]: empty range [9, 5): from must be below to (to is exclusive)"},
		{"open middle below", rng(RangeSpec{To: 5, Database: "s0"}, RangeSpec{To: 9, Database: "s1"}),
			"sharding.resolvers.x.ranges[1].from: missing: only ranges[0] may be open below (this range would overlap ranges[0])"},
		{"open middle above", rng(RangeSpec{From: 0, Database: "s0"}, RangeSpec{From: 9, Database: "s1"}),
			"sharding.resolvers.x.ranges[0].to: missing: only the last range, ranges[1], may be open above"},
		{"no bounds", rng(RangeSpec{Database: "s0"}),
			"sharding.resolvers.x.ranges: no range has a bound: a range resolver needs at least one from or to"},
		{"mixed types", rng(RangeSpec{To: 1000, Database: "s0"}, RangeSpec{From: "abc", Database: "s1"}),
			`sharding.resolvers.x.ranges[1].from: string("abc") has key type string, but ranges[0].to has key type integer: all bounds of a range resolver have one type (or set key_type)`},
		{"mixed time", rng(RangeSpec{To: time.Unix(0, 0), Database: "s0"}, RangeSpec{From: 5, Database: "s1"}),
			"sharding.resolvers.x.ranges[1].from: int(5) has key type integer, but ranges[0].to has key type time"},
		{"bad bound", rng(RangeSpec{To: 1.5, Database: "s0"}),
			"sharding.resolvers.x.ranges[0].to: float64 1.5 is not an integer"},
		{"bool bound", rng(RangeSpec{To: true, Database: "s0"}),
			"sharding.resolvers.x.ranges[0].to: bool is not a shard key type"},
		{"key type mismatch", Spec{Type: "range", KeyType: "integer", Ranges: []RangeSpec{{To: "abc", Database: "s0"}}},
			`sharding.resolvers.x.ranges[0].to: string("abc"): an integer range needs an integer`},
		{"unknown key type", Spec{Type: "range", KeyType: "number", Ranges: []RangeSpec{{To: 1, Database: "s0"}}},
			`sharding.resolvers.x.key_type: unknown key type "number": want integer, string or time`},
		{"range no database", rng(RangeSpec{To: 1}),
			"sharding.resolvers.x.ranges[0].database: empty database name"},
		{"range unknown database", rng(RangeSpec{To: 1, Database: "s0"}, RangeSpec{From: 1, Database: "s7"}),
			`sharding.resolvers.x.ranges[1].database: unknown database "s7"`},

		{"list no values", Spec{Type: "list", Default: "s0"},
			"sharding.resolvers.x.values: required: map at least one value to a database"},
		{"list unknown database", Spec{Type: "list", Values: map[string]string{"us": "s0", "eu": "s8"}},
			`sharding.resolvers.x.values["eu"]: unknown database "s8"`},
		{"list unknown default", Spec{Type: "list", Values: map[string]string{"us": "s0"}, Default: "s8"},
			`sharding.resolvers.x.default: unknown database "s8"`},
		{"list with databases", Spec{Type: "list", Values: map[string]string{"us": "s0"}, Databases: testDatabases},
			`sharding.resolvers.x.databases: not used by type "list"`},
	}
	for _, tt := range tests {
		_, err := New("x", tt.spec, testDatabases)
		require.Error(t, err, tt.name)
		assert.ErrorIs(t, err, ErrConfig, tt.name)
		var ce *ConfigError
		require.ErrorAs(t, err, &ce, tt.name)
		assert.Contains(t, err.Error(), tt.want, tt.name)
	}
}

func TestNewKnown(t *testing.T) {
	spec := Spec{Type: "hash", Databases: []string{"a", "b"}}
	_, err := New("x", spec, nil)
	require.NoError(t, err, "nil testDatabases skips the check")
	_, err = New("x", spec, []string{})
	require.ErrorIs(t, err, ErrConfig, "empty testDatabases rejects every database")
	_, err = New("", spec, nil)
	assert.EqualError(t, err, "sharding.resolvers: a resolver has an empty name")
}

// testFixedResolver is a custom type for registry tests.
type testFixedResolver struct{ dbs []string }

func (f testFixedResolver) Resolve(context.Context, Key) (string, error) { return f.dbs[0], nil }
func (f testFixedResolver) Databases() []string                          { return append([]string(nil), f.dbs...) }

func TestRegisterCustomType(t *testing.T) {
	reg := NewRegistry()
	reg.Register("fixed", func(name string, spec Spec) (Resolver, error) {
		db, _ := spec.Options["database"].(string)
		switch db {
		case "":
			return nil, errors.New("options.database is required")
		case "config":
			return nil, &ConfigError{Path: resolverPath(name) + ".options.database", Message: "bad"}
		}
		return testFixedResolver{dbs: []string{db}}, nil
	})
	assert.Equal(t, []string{"fixed", "func", "hash", "list", "modulo", "range"}, reg.Types())

	r, err := reg.New("f", Spec{Type: "fixed", Options: map[string]any{"database": "s1"}}, testDatabases)
	require.NoError(t, err)
	db, err := r.Resolve(bg, KeyOf(1))
	require.NoError(t, err)
	assert.Equal(t, "s1", db)

	_, err = reg.New("f", Spec{Type: "fixed"}, testDatabases)
	assert.EqualError(t, err, "sharding.resolvers.f: options.database is required")
	assert.ErrorIs(t, err, ErrConfig)
	_, err = reg.New("f", Spec{Type: "fixed", Options: map[string]any{"database": "config"}}, testDatabases)
	assert.EqualError(t, err, "sharding.resolvers.f.options.database: bad")
	// Databases the resolver reports are checked too.
	_, err = reg.New("f", Spec{Type: "fixed", Options: map[string]any{"database": "s9"}}, testDatabases)
	assert.EqualError(t, err, `sharding.resolvers.f: resolver can return unknown database "s9"`)

	// The default registry is separate.
	_, err = New("f", Spec{Type: "fixed"}, testDatabases)
	assert.ErrorContains(t, err, `unknown resolver type "fixed"`)
}

func TestRegisterPanics(t *testing.T) {
	reg := NewRegistry()
	fn := func(context.Context, Key) (string, error) { return "s0", nil }
	f := func(string, Spec) (Resolver, error) { return nil, nil }
	reg.RegisterFunc("t1", fn)
	reg.Register("t2", f)
	for name, call := range map[string]func(){
		"duplicate type":         func() { reg.Register("hash", f) },
		"duplicate func":         func() { reg.RegisterFunc("t1", fn) },
		"func named like a type": func() { reg.RegisterFunc("t2", fn) },
		"type named like a func": func() { reg.Register("t1", f) },
		"func named func":        func() { reg.RegisterFunc("func", fn) },
		"empty name":             func() { reg.Register("", f) },
		"nil factory":            func() { reg.Register("t3", nil) },
		"nil func":               func() { reg.RegisterFunc("t4", nil) },
	} {
		assert.Panics(t, call, name)
	}
	_, err := reg.New("x", Spec{Type: "t2"}, testDatabases)
	assert.EqualError(t, err, `sharding.resolvers.x: type "t2" built no resolver`)
	_, err = reg.New("x", Spec{Type: "t1", Func: "other", Databases: testDatabases}, testDatabases)
	assert.EqualError(t, err, `sharding.resolvers.x.func: is "other", but type "t1" already names a function`)
	_, err = reg.New("x", Spec{Type: "t1"}, testDatabases)
	assert.EqualError(t, err, `sharding.resolvers.x.databases: required: list every database the function "t1" can return`)
}

var registerTestEvenOdd sync.Once

func TestDefaultRegistryFuncs(t *testing.T) {
	// Once: the default registry outlives a test run under -count.
	registerTestEvenOdd.Do(func() {
		RegisterFunc("registry_test_even_odd", func(_ context.Context, k Key) (string, error) {
			n, _ := k.Value(0).(int)
			return fmt.Sprintf("s%d", n%2), nil
		})
	})
	assert.Contains(t, Types(), "registry_test_even_odd")
	r, err := New("eo", Spec{Type: "registry_test_even_odd", Databases: []string{"s0", "s1"}}, testDatabases)
	require.NoError(t, err)
	db, err := r.Resolve(bg, KeyOf(3))
	require.NoError(t, err)
	assert.Equal(t, "s1", db)
	assert.Panics(t, func() { Register("registry_test_even_odd", newHashResolver) })
}

func TestRegistryConcurrent(t *testing.T) {
	reg := NewRegistry()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			reg.RegisterFunc(fmt.Sprintf("f%d", i), func(context.Context, Key) (string, error) { return "s0", nil })
		}()
		go func() {
			defer wg.Done()
			for range 50 {
				r, err := reg.New("h", Spec{Type: "hash", Databases: testDatabases}, testDatabases)
				if assert.NoError(t, err) {
					_, err = r.Resolve(bg, KeyOf(i))
					assert.NoError(t, err)
				}
				reg.Types()
			}
		}()
	}
	wg.Wait()
	assert.Len(t, reg.Types(), 5+8)
}

func TestSpecFromJSON(t *testing.T) {
	const doc = `{
		"by_customer": {"type": "modulo", "databases": ["s0", "s1", "s2", "s3"]},
		"by_region": {"type": "range", "ranges": [{"to": 1000, "database": "s0"}, {"from": 1000, "database": "s1"}]},
		"by_day": {"type": "range", "ranges": [{"to": "2024-01-01", "database": "s0"}, {"from": "2024-01-01T00:00:00Z", "database": "s1"}]},
		"by_country": {"type": "list", "values": {"us": "s0", "1": "s1"}, "default": "s2"}
	}`
	for _, useNumber := range []bool{false, true} {
		dec := json.NewDecoder(strings.NewReader(doc))
		if useNumber {
			dec.UseNumber()
		}
		var specs map[string]Spec
		require.NoError(t, dec.Decode(&specs))
		res := map[string]Resolver{}
		for name, spec := range specs {
			r, err := New(name, spec, testDatabases)
			require.NoError(t, err, name)
			res[name] = r
		}
		for _, c := range []struct {
			resolver string
			key      any
			want     string
		}{
			{"by_customer", int64(5), "s1"},
			{"by_region", int64(999), "s0"},
			{"by_region", int64(1000), "s1"},
			{"by_day", time.Date(2023, 12, 31, 23, 0, 0, 0, time.UTC), "s0"},
			{"by_day", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "s1"},
			{"by_country", int64(1), "s1"},
			{"by_country", "jp", "s2"},
		} {
			db, err := res[c.resolver].Resolve(bg, KeyOf(c.key))
			require.NoError(t, err, c.resolver)
			assert.Equal(t, c.want, db, "%s %v", c.resolver, c.key)
		}
	}
	out, err := json.Marshal(Spec{Type: "list", Values: map[string]string{"us": "s0"}, Default: "s1"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"type":"list","values":{"us":"s0"},"default":"s1"}`, string(out))
}
