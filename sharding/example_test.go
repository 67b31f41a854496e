package sharding_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grantsql/grant/sharding"
)

// The databases of the exampleDatabases, as the configuration names them.
var exampleDatabases = []string{"s0", "s1", "s2", "s3"}

func Example() {
	// by_customer: {type: modulo, databases: [s0, s1, s2, s3]}
	r, err := sharding.New("by_customer", sharding.Spec{Type: "modulo", Databases: exampleDatabases}, exampleDatabases)
	if err != nil {
		panic(err)
	}
	for _, id := range []any{int64(5), uint8(6), "7", nil} {
		db, err := r.Resolve(context.Background(), sharding.KeyOf(id))
		fmt.Println(db, err)
	}
	fmt.Println(r.Databases())
	// Output:
	// s1 <nil>
	// s2 <nil>
	// s3 <nil>
	//  sharding: resolver "by_customer": key NULL: a NULL shard key is never routed
	// [s0 s1 s2 s3]
}

func ExampleNew_hash() {
	r, err := sharding.New("by_account", sharding.Spec{Type: "hash", Databases: exampleDatabases}, exampleDatabases)
	if err != nil {
		panic(err)
	}
	a, _ := r.Resolve(context.Background(), sharding.KeyOf(int64(42)))
	b, _ := r.Resolve(context.Background(), sharding.KeyOf("42")) // the same key
	c, _ := r.Resolve(context.Background(), sharding.KeyOf(int64(43)))
	d, _ := r.Resolve(context.Background(), sharding.CompositeKey(int64(42), "eu"))
	fmt.Println(a, b, c, d)
	// Output: s0 s0 s3 s0
}

func ExampleNew_range() {
	// by_region: {type: range, ranges: [{to: 1000, database: s0}, {from: 1000, to: 5000, database: s1}]}
	r, err := sharding.New("by_region", sharding.Spec{Type: "range", Ranges: []sharding.RangeSpec{
		{To: 1000, Database: "s0"},
		{From: 1000, To: 5000, Database: "s1"},
	}}, exampleDatabases)
	if err != nil {
		panic(err)
	}
	for _, v := range []int64{999, 1000, 4999, 5000} {
		db, err := r.Resolve(context.Background(), sharding.KeyOf(v))
		fmt.Println(v, db, errors.Is(err, sharding.ErrNoShard))
	}
	// Output:
	// 999 s0 false
	// 1000 s1 false
	// 4999 s1 false
	// 5000  true
}

func ExampleNew_rangeErrors() {
	_, err := sharding.New("by_region", sharding.Spec{Type: "range", Ranges: []sharding.RangeSpec{
		{To: 1000, Database: "s0"},
		{From: 1000, To: 2000, Database: "s1"},
		{From: 1500, Database: "s2"},
	}}, exampleDatabases)
	fmt.Println(err)
	_, err = sharding.New("by_customer", sharding.Spec{Type: "modulo", Databases: []string{"s0", "s1", "s9"}}, exampleDatabases)
	fmt.Println(err)
	// Output:
	// sharding.resolvers.by_region.ranges[2]: overlaps ranges[1]: [1500, +inf) and [1000, 2000)
	// sharding.resolvers.by_customer.databases[2]: unknown database "s9"
}

func ExampleRangeResolver() {
	r, err := sharding.New("by_day", sharding.Spec{Type: "range", Ranges: []sharding.RangeSpec{
		{From: "2024-01-01", To: "2024-02-01", Database: "s0"},
		{From: "2024-02-01", To: "2024-03-01", Database: "s1"},
		{From: "2024-03-01", Database: "s2"},
	}}, exampleDatabases)
	if err != nil {
		panic(err)
	}
	rr := r.(sharding.RangeResolver)
	feb10 := time.Date(2024, 2, 10, 0, 0, 0, 0, time.UTC)
	// created_at BETWEEN '2024-01-15' AND '2024-02-10'
	dbs, _ := rr.ResolveRange(context.Background(), sharding.InclusiveBound("2024-01-15T00:00:00Z"), sharding.InclusiveBound(feb10))
	fmt.Println(dbs)
	// created_at >= '2024-02-10'
	dbs, _ = rr.ResolveRange(context.Background(), sharding.InclusiveBound(feb10), sharding.Bound{})
	fmt.Println(dbs)
	// created_at < '2024-02-01'
	dbs, _ = rr.ResolveRange(context.Background(), sharding.Bound{}, sharding.ExclusiveBound("2024-02-01"))
	fmt.Println(dbs)
	// Output:
	// [s0 s1]
	// [s1 s2]
	// [s0]
}

func ExampleNew_list() {
	// by_country: {type: list, values: {"us": s0, "eu": s1, "1": s2}, default: s3}
	r, err := sharding.New("by_country", sharding.Spec{
		Type:    "list",
		Values:  map[string]string{"us": "s0", "eu": "s1", "1": "s2"},
		Default: "s3",
	}, exampleDatabases)
	if err != nil {
		panic(err)
	}
	for _, v := range []any{"us", []byte("eu"), int64(1), "jp"} {
		db, _ := r.Resolve(context.Background(), sharding.KeyOf(v))
		fmt.Print(db, " ")
	}
	fmt.Println()
	// Output: s0 s1 s2 s3
}

func ExampleRegistry_RegisterFunc() {
	reg := sharding.NewRegistry() // or the package-level sharding.RegisterFunc
	reg.RegisterFunc("by_tenant", func(_ context.Context, key sharding.Key) (string, error) {
		tenant, _ := key.Value(0).(string)
		if strings.HasPrefix(tenant, "enterprise-") {
			return "s3", nil
		}
		return "s0", nil
	})
	// {type: func, func: by_tenant, databases: [s0, s3]}, or {type: by_tenant, ...}
	r, err := reg.New("tenants", sharding.Spec{Type: "func", Func: "by_tenant", Databases: []string{"s0", "s3"}}, exampleDatabases)
	if err != nil {
		panic(err)
	}
	db, _ := r.Resolve(context.Background(), sharding.KeyOf("enterprise-acme"))
	fmt.Println(db, r.Databases())
	// Output: s3 [s0 s3]
}

// pinned is a resolver type added with Register: every key goes to the
// database named in its options.
type pinned struct{ db string }

func (p pinned) Resolve(context.Context, sharding.Key) (string, error) { return p.db, nil }
func (p pinned) Databases() []string                                   { return []string{p.db} }

func ExampleRegistry_Register() {
	reg := sharding.NewRegistry() // or the package-level sharding.Register, in an init function
	reg.Register("pinned", func(name string, spec sharding.Spec) (sharding.Resolver, error) {
		db, ok := spec.Options["database"].(string)
		if !ok {
			return nil, &sharding.ConfigError{Path: "sharding.resolvers." + name + ".options.database", Message: "required"}
		}
		return pinned{db: db}, nil
	})
	r, err := reg.New("archive", sharding.Spec{Type: "pinned", Options: map[string]any{"database": "s2"}}, exampleDatabases)
	fmt.Println(err)
	db, _ := r.Resolve(context.Background(), sharding.KeyOf(1))
	fmt.Println(db)
	_, err = reg.New("archive", sharding.Spec{Type: "pinned"}, exampleDatabases)
	fmt.Println(err)
	// Output:
	// <nil>
	// s2
	// sharding.resolvers.archive.options.database: required
}

func ExampleAppendCanonical() {
	for _, k := range []sharding.Key{
		sharding.KeyOf(int64(-42)),
		sharding.KeyOf(float64(42)),
		sharding.KeyOf(time.Date(2024, 1, 2, 12, 0, 0, 500_000_000, time.FixedZone("CET", 3600))),
		sharding.CompositeKey(int64(7), "us"),
	} {
		b, _ := sharding.AppendCanonical(nil, k)
		fmt.Printf("%q\n", b)
	}
	// Output:
	// "-42"
	// "42"
	// "2024-01-02T11:00:00.5Z"
	// "\x00\x00\x00\x017\x00\x00\x00\x02us"
}

func ExampleHash() {
	h, _ := sharding.Hash(sharding.KeyOf(int64(42)))
	fmt.Printf("%016x %d\n", h, h%4)
	fmt.Println(h == sharding.HashBytes([]byte("42")))
	// Output:
	// 810b196a56ee3cec 0
	// true
}
