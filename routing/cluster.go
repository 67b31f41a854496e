package routing

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
)

// ClusterID returns the identity of the cluster that the validated
// configuration cfg describes, among the process's Routers: two
// configurations have the same identity when they have the same dialect
// and the same databases, by name, on the same primaries. A primary is its
// server and database as its driver reads the DSN: PostgreSQL's hosts,
// ports and database; MySQL's network, address and database; SQLite's file.
// User, password and every other DSN parameter do not matter, nor do
// replicas, pools or routing settings: read-your-writes records writes to
// primaries, and every reader of a primary's replicas must honour them.
//
// The identity is an opaque keyed hash, valid in this process only: it
// shows nothing of a DSN. Routers given the same Options.Cluster share
// their database-scope read-your-writes record.
func ClusterID(cfg *config.Cluster) string {
	names := slices.Sorted(func(yield func(string) bool) {
		for name := range cfg.Databases {
			if !yield(name) {
				return
			}
		}
	})
	var b strings.Builder
	b.WriteString(string(cfg.Dialect))
	for _, name := range names {
		db := cfg.Databases[name]
		if db == nil {
			continue
		}
		b.WriteString("\x00")
		b.WriteString(name)
		b.WriteString("\x00")
		b.WriteString(serverOf(cfg.Dialect, db.Primary))
	}
	mac := hmac.New(sha256.New, processKey())
	mac.Write([]byte(b.String()))
	return "cluster-" + hex.EncodeToString(mac.Sum(nil)[:16])
}

// processKey is the random key of ClusterID's hash, made once per process.
var processKey = sync.OnceValue(func() []byte {
	k := make([]byte, 32)
	rand.Read(k) // never fails (crypto/rand panics instead)
	return k
})

// serverOf returns the server and database a DSN names, or the DSN itself
// when its driver cannot read it (validation has refused such a DSN
// already; the identity then only misses a spelling).
func serverOf(d dialect.Dialect, dsn string) string {
	switch d {
	case dialect.Postgres:
		c, err := pgconn.ParseConfig(dsn)
		if err != nil {
			return dsn
		}
		hosts := []string{c.Host + ":" + strconv.Itoa(int(c.Port))}
		for _, f := range c.Fallbacks {
			hosts = append(hosts, f.Host+":"+strconv.Itoa(int(f.Port)))
		}
		slices.Sort(hosts)
		return strings.Join(slices.Compact(hosts), ",") + "/" + c.Database
	case dialect.MySQL:
		c, err := mysql.ParseDSN(dsn)
		if err != nil {
			return dsn
		}
		return c.Net + "(" + c.Addr + ")/" + c.DBName
	case dialect.SQLite:
		f, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
		if u, err := url.PathUnescape(f); err == nil {
			f = u
		}
		return f
	}
	return dsn
}

// shared holds the database-scope read-your-writes record of each cluster
// that some open Router of the process shares, with its number of Routers.
var shared = struct {
	mu sync.Mutex
	m  map[string]*sharedRecord
}{m: map[string]*sharedRecord{}}

type sharedRecord struct {
	sess *Session
	refs int
}

// acquireShared returns the record of cluster id, made when no open Router
// holds it.
func acquireShared(id string) *Session {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	rec := shared.m[id]
	if rec == nil {
		rec = &sharedRecord{sess: NewSession()}
		shared.m[id] = rec
	}
	rec.refs++
	return rec.sess
}

// releaseShared drops one Router's hold on the record of cluster id; the
// last one frees it.
func releaseShared(id string) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if rec := shared.m[id]; rec != nil {
		if rec.refs--; rec.refs <= 0 {
			delete(shared.m, id)
		}
	}
}

// sharedClusters returns how many clusters have a shared record (tests).
func sharedClusters() int {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	return len(shared.m)
}

// processClock is the read-your-writes clock of every Router of the
// process that is given none, so that Routers sharing a record measure
// time alike.
var processClock = sync.OnceValue(monotonicClock)
