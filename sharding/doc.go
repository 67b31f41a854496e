// Package sharding maps shard keys to databases, and (in its planner files)
// plans statements over sharded tables. This overview covers the resolvers.
//
// A Resolver maps a Key (one value, or an ordered tuple for a composite key)
// to the name of the database that holds it, and reports every database it
// can return for statements that must fan out. Resolvers are built by name
// from a Spec, the decoded entry of the sharding resolvers mapping of a
// cluster configuration:
//
//	default_database: s0
//	sharding:
//	  resolvers:
//	    by_customer: {type: modulo, databases: [s0, s1, s2, s3]}
//	    by_region:   {type: range, ranges: [{to: 1000, database: s0}, {from: 1000, database: s1}]}
//	  tables:
//	    orders:      {key: customer_id, resolver: by_customer}
//
// Resolvers are pure (no I/O), immutable and safe for concurrent use.
//
// # Key values
//
// A key value is a database/sql driver value or a Go value:
//
//   - every integer type (int, int8 ... int64, uint, uint8 ... uint64) and
//     named types over them;
//   - float32 and float64 only when they hold an integer exactly (42.0 is the
//     key 42; 42.5, NaN and ±Inf are ErrKeyType errors);
//   - string and []byte, compared and hashed as their bytes, without any
//     Unicode normalization;
//   - time.Time, as its instant (the location does not matter);
//   - a driver.Valuer (such as sql.NullInt64 or a UUID type) is replaced by
//     its Value, and a non-nil pointer by what it points to.
//
// nil, a nil pointer, a nil []byte and a Valuer whose Value is nil are NULL:
// every resolver rejects a NULL key, or a composite key with a NULL value,
// with ErrNullKey, since a NULL key has no shard and is never guessed. A bool
// and every other type is an ErrKeyType error.
//
// # Canonical encoding
//
// Values that are equal as keys have one canonical encoding (AppendCanonical),
// which the hash and list resolvers use:
//
//   - an integer: its ASCII decimal digits, with '-' before a negative one and
//     no leading zeros ("0", "42", "-7");
//   - a string or []byte: its bytes;
//   - a time.Time: its instant in UTC as RFC 3339 with nanoseconds and the
//     trailing zeros of the fraction removed, "2024-01-02T03:04:05.5Z";
//   - a composite key of two or more values: for each value in order, the
//     length in bytes of its encoding as a 4-byte big-endian unsigned integer,
//     followed by its encoding. The lengths make the boundaries unambiguous:
//     ("a", "bc") and ("ab", "c") differ.
//
// So int64(42), uint8(42), float64(42), "42" and []byte("42") are one key; "042"
// is another. A one-value CompositeKey is the same Key as KeyOf.
//
// # Types
//
// hash: Hash(key) % len(databases) indexes databases. Hash is
// mix64(FNV-1a-64(canonical encoding)), where FNV-1a-64 starts from the
// offset basis 14695981039346656037 and, for each byte, XORs it in and
// multiplies by 1099511628211, and mix64 is the MurmurHash3 fmix64 finalizer
// (see HashBytes). The finalizer matters: raw FNV-1a taken modulo a power of
// two depends only on the low bits of each input byte. Any key type and
// composite keys are accepted. The values are pinned by golden vectors in
// testdata/hash_vectors.txt.
//
// modulo: key mod len(databases) indexes databases, for one non-negative
// integer (or a string in canonical decimal form): customer 5 over four
// databases is the second. A negative, a non-integer or a composite key is an
// ErrKeyType error; use hash for those.
//
// For modulo and hash a database may be listed more than once. Listing more
// slots than databases (for example 16 slots over 4 databases) lets a later
// configuration move single slots to new databases, which moves only those
// slots' rows, where changing the number of slots moves most rows.
//
// range: ordered ranges over one key type, integer, string (byte-wise order)
// or time. Each range holds keys from its from bound (inclusive) up to its to
// bound (exclusive). The first range may omit from and the last may omit to,
// making them open-ended. Ranges are listed in ascending order, and each
// starts exactly where the previous ends: a gap, an overlap, an empty range or
// an out-of-order range is a configuration error naming the ranges by index.
// The key type is Spec.KeyType or, when empty, inferred from the bounds:
// numbers are integers; time.Time values and strings in RFC 3339 or
// YYYY-MM-DD form (midnight UTC) are times; other strings are strings. A key
// outside every range is an ErrNoShard error. Range resolvers implement
// RangeResolver, which returns just the databases covering an interval, for
// key < x, key > x and key BETWEEN a AND b. Keys are converted as for the
// canonical encoding: an integer range takes "42" as 42, a string range takes
// 42 as "42", and a time range takes RFC 3339 text.
//
// list: an explicit map from values, written in canonical text form, to
// databases, with an optional default for all other values; otherwise a value
// not in the list is an ErrNoShard error. A list key "1" matches int64(1), "1"
// and []byte("1").
//
// func: a Func registered with RegisterFunc, named by Spec.Func, or used
// directly as the type: {type: func, func: by_tenant} and {type: by_tenant}
// are the same resolver. Its Spec lists every database it can return; a result
// outside that list is an ErrNoShard error.
//
// # Registry
//
// Register adds a resolver type with its Factory, so plugins and user code
// can add types; RegisterFunc adds a Func. Both panic on an empty or
// duplicate name, like database/sql.Register, because registration happens
// once at program start. New builds a resolver and checks every database it
// names against the cluster's databases; its errors are *ConfigError values
// naming the configuration key:
//
//	sharding.resolvers.by_customer.databases[2]: unknown database "s9"
//	sharding.resolvers.by_region.ranges[2]: overlaps ranges[1]: [500, 2000) and [0, 1000)
//
// Errors of Resolve are *KeyError values naming the resolver, the key and the
// reason, and wrapping ErrNullKey, ErrKeyType or ErrNoShard.
package sharding
