// Package plugins runs shard resolvers as programs of their own: a
// resolver of type plugin is an executable that Grant starts with
// hashicorp/go-plugin and asks where each shard key lives. Use it for a
// placement rule that lives apart from the application: a directory
// service client, a rule another team ships, code in a release cycle of
// its own.
//
// Importing the package registers the type in sharding's default
// registry, as importing a database/sql driver registers the driver:
//
//	import _ "github.com/grantsql/grant/plugins"
//
// It is a separate import because it brings in hashicorp/go-plugin and
// gRPC, which a program without plugin resolvers need not carry (they
// triple the size of a small binary). A configuration naming type plugin
// in a program that does not import it fails at sql.Open with an error
// saying so. The grant command imports it. The configuration:
//
//	sharding:
//	  resolvers:
//	    geo:
//	      type: plugin
//	      path: ./bin/geo-resolver        # relative to the configuration file
//	      sha256: 3f1c...                 # required: checked before every start
//	      args: ["--region", "eu=s0"]
//	      databases: [s0, s1, s2, s3]     # every database it may answer; a fan-out goes to all
//	      timeout: 200ms                  # per call (default 1s)
//	      cache: {size: 100000, ttl: 5m}  # optional
//	  tables:
//	    customers: {key: country, resolver: geo}
//
// # Writing a plugin
//
// A plugin is a Go program whose main calls Serve with a Resolver; see
// plugins/example/geo-resolver. Resolve receives the key's values as
// int64, float64, string, []byte, bool or time.Time (Grant itself refuses
// a NULL key before asking), and returns a database name. It must be
// deterministic: answers are cached. An error wrapping sharding.ErrNoShard
// says no database holds the key. A BatchResolver also answers the keys
// of an IN list or of a multi-row INSERT in one call.
//
// # Lifecycle
//
// Each Connector starts one process per plugin resolver when it is
// created (so a missing, changed or failing plugin is an error of
// sql.Open or grant.NewConnector), and kills it when it is closed; on
// Linux the kernel also kills it when Grant's process ends. Validating a
// configuration checks the fields, the file and its checksum, and starts
// nothing. The checksum is checked again before every start.
//
// A plugin that exits is started again at once, then with a backoff from
// 50ms to 5s while it keeps failing; statements that need it meanwhile
// wait up to the timeout, then fail with ErrUnavailable. A call not
// answered within the timeout fails with ErrTimeout; after three in a
// row the plugin is taken for hung and restarted. An answer outside the
// resolver's databases fails with ErrAnswer. The errors are
// *sharding.KeyError values that name the resolver and the key, wrapping
// an *Error that names the plugin's executable. What the plugin writes to
// its standard error is logged with log/slog (slog.Default), with the
// attribute plugin=<resolver name>.
//
// # Protocol
//
// Grant and its plugins speak go-plugin's net/rpc protocol over a Unix
// socket with automatic mutual TLS (only the process that started the
// plugin can call it). Measured on the development machine, a call over
// net/rpc took about two thirds of the time of one over go-plugin's gRPC
// and allocated a tenth as much; gRPC would allow plugins in other
// languages, which no user has asked for yet. The keys travel in a small
// binary encoding (package internal/wire), which is also the key of the
// answer cache.
package plugins
