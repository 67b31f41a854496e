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
// answered within the timeout fails with ErrTimeout (at most 2ms after
// it); after three in a row the plugin is taken for hung and restarted.
// An answer outside the resolver's databases fails with ErrAnswer. The errors are
// *sharding.KeyError values that name the resolver and the key, wrapping
// an *Error that names the plugin's executable. What the plugin writes to
// its standard error is logged with log/slog (slog.Default), with the
// attribute plugin=<resolver name>.
//
// # Protocol
//
// Grant and a plugin talk over two channels. The control channel is
// go-plugin's: Grant starts the executable, checks its checksum, and the
// two check the handshake (a magic cookie and the protocol version), then
// talk net/rpc over a Unix socket with automatic mutual TLS, so that only
// the process that started the plugin can call it. Over it, Grant asks the
// plugin once for its data channel: a Unix socket the plugin creates in a
// directory of its own (readable by its user only) and a random 32-byte
// token. Every data connection starts with the token; the plugin closes a
// connection whose token differs. The resolves then travel on the data
// channel as length-prefixed frames, one call at a time per connection:
// Grant writes and reads on the calling goroutine and keeps a few idle
// connections per plugin; the plugin reads, resolves and writes on one
// goroutine per connection. Serve removes the socket's directory when it
// returns or the plugin is asked to exit (SIGTERM), and Grant removes it
// after a plugin that died otherwise; only a plugin killed with Grant's own
// process leaves its directory (empty but for the socket) behind in the
// temporary directory.
//
// The resolves have a channel of their own because one call over
// go-plugin's net/rpc or gRPC costs about ten times a round trip on a
// Unix socket: the time goes to hand-offs between the goroutines of its
// stream multiplexer and of the RPC library, not to the work. The keys
// travel in a small binary encoding (package internal/wire), which is
// also the key of the answer cache.
package plugins
