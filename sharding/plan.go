package sharding

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"regexp"

	"github.com/grantsql/grant/merge"
)

// Route says where a planned statement runs.
type Route string

// The routes.
const (
	// RouteUnsharded: no sharded or broadcast table; the default database,
	// where read/write routing picks the primary or a replica as usual.
	RouteUnsharded Route = "unsharded"
	// RouteSingle: one shard database, the statement unchanged.
	RouteSingle Route = "single"
	// RouteMulti: several shard databases chosen by the key conditions (IN
	// lists, ranges) or by the rows of an INSERT, each with its own SQL.
	RouteMulti Route = "multi"
	// RouteScatter: every database of the table's resolver (no usable key).
	RouteScatter Route = "scatter"
	// RouteBroadcastRead: a read of broadcast tables only, on the default
	// database.
	RouteBroadcastRead Route = "broadcast_read"
	// RouteBroadcastWrite: a write of a broadcast table, on every database.
	RouteBroadcastWrite Route = "broadcast_write"
	// RouteDDLAll: DDL of a sharded or broadcast table, on every database
	// that holds it.
	RouteDDLAll Route = "ddl_all"
	// RoutePinned: the caller pinned the shard; the statement runs there
	// unchanged.
	RoutePinned Route = "pinned"
)

// Plan is the routing of one statement: where it runs, with which SQL and
// arguments per database, and how the results combine. It is plain data and
// marshals to stable JSON (for golden tests and grant explain); argument
// values are left out of the JSON.
type Plan struct {
	// Statement is the SQL text as the application wrote it.
	Statement string `json:"statement"`
	Route     Route  `json:"route"`
	// Table is the sharded (or broadcast) table that decided the route.
	Table string `json:"table,omitempty"`
	// Reason says why, e.g. `"orders"."customer_id" = $1 -> s2`.
	Reason string `json:"reason"`
	// Writes is true when the statement modifies data (or schema) on every
	// database of Shards. A transaction may write to one database only until
	// two-phase commit is available.
	Writes bool `json:"writes"`
	// Shards lists one query per database, in the planner's database order
	// (broadcast writes and DDL: every database concerned).
	Shards []ShardQuery `json:"shards"`
	// Merge, set for a read on several databases (or a write with RETURNING
	// on several shards), combines their rows: merge.Open(ctx, *Merge, one
	// source per Shards entry, in order).
	Merge *merge.Spec `json:"merge,omitempty"`
	// Strategy is Merge.Describe(), for people reading the plan.
	Strategy string `json:"strategy,omitempty"`
	// RowsAffected is "sum" when a write runs on several shards, each
	// holding different rows: the caller's RowsAffected is the sum, and
	// LastInsertId is not available.
	RowsAffected string `json:"rows_affected,omitempty"`
	// ReturningOrder is "rows" when an INSERT with RETURNING is split over
	// shards: the caller expects the returned rows in the order of the
	// INSERT's VALUES rows (GORM assigns generated ids by position), so the
	// k-th row returned by Shards[i] takes the place of VALUES row
	// Shards[i].Rows[k]. Merge is nil then.
	ReturningOrder string `json:"returning_order,omitempty"`
	// ResultFrom names the database whose result (rows affected, last insert
	// id, RETURNING rows) the caller gets when the same statement runs as a
	// copy on several databases (broadcast writes, DDL).
	ResultFrom string `json:"result_from,omitempty"`
	// SetKeyTo names, for an UPDATE on several databases that sets the shard
	// key, the database the new key belongs to. On every other database the
	// statement must change no row, since a changed row would now belong
	// elsewhere: the executor runs each part so that it can be undone (a
	// transaction or savepoint of its own) and refuses the statement,
	// undoing it everywhere, when it did.
	SetKeyTo string `json:"set_key_to,omitempty"`
	// Execution says how the executor runs a plan on several databases;
	// nil for a plan on one.
	Execution *Execution `json:"execution,omitempty"`

	one [1]ShardQuery // backing array of Shards for one database
}

// Execution is how the executor runs a plan on several databases, decided
// with the plan (inside a transaction or not) so that the plan shows it.
type Execution struct {
	// Parallel: every database's part runs at the same time. Otherwise
	// they run one after another in database order, on the transaction's
	// connections.
	Parallel bool `json:"parallel,omitempty"`
	// LocalTx: a write outside a transaction; each database's part runs in
	// a transaction of its own, and they commit (Commit) only when every
	// part succeeded.
	LocalTx bool `json:"local_tx,omitempty"`
	// Commit is how the parts of a write on several databases commit: as
	// one unit of their own (LocalTx), or with the transaction they run in.
	Commit Commit `json:"commit,omitempty"`
	// Tentative: an UPDATE or DELETE without the key inside a transaction;
	// each part runs after a savepoint, and the statement stands only if it
	// changed rows on one database (counting the one the transaction
	// already writes to); otherwise it is undone everywhere and refused.
	Tentative bool `json:"tentative,omitempty"`
	// Refused: a write on several databases inside a transaction, which
	// writes to one database only: it is refused before it runs.
	Refused bool `json:"refused,omitempty"`
}

// Commit is how the parts of a write on several databases commit.
type Commit string

// The commit modes.
const (
	// CommitOnePhase: one database after another; a failure after one
	// committed is a partial commit (twophase.ErrPartialCommit).
	CommitOnePhase Commit = "one_phase"
	// CommitTwoPhase: two-phase commit, where every database concerned can
	// prepare (else one phase): all commit, or none.
	CommitTwoPhase Commit = "two_phase"
)

// ShardQuery is the statement one database runs.
type ShardQuery struct {
	Database string `json:"database"`
	SQL      string `json:"sql"`
	// Args are the arguments of SQL, in its placeholder order. When the SQL
	// is the original text they are the caller's args, the same slice.
	Args []driver.NamedValue `json:"-"`
	// ArgOrdinals lists, for a rewritten SQL, the ordinal of the caller's
	// argument behind each of Args (PostgreSQL $n and SQLite ?NNN renumbered
	// 1..k); it is nil when SQL is the original text and Args the caller's
	// args unchanged.
	ArgOrdinals []int `json:"args,omitempty"`
	// Rows lists, for an INSERT split over shards, the indexes (from 0) of
	// the original VALUES rows this shard's SQL holds, in its order.
	Rows []int `json:"rows,omitempty"`
}

// Single sets Shards to q alone, stored in the plan itself (a plan on one
// database allocates no slice).
func (p *Plan) Single(q ShardQuery) {
	p.one[0] = q
	p.Shards = p.one[:]
}

// WriteDatabases returns the databases the plan writes to (none for a read).
func (p *Plan) WriteDatabases() []string {
	if !p.Writes {
		return nil
	}
	out := make([]string, len(p.Shards))
	for i := range p.Shards {
		out[i] = p.Shards[i].Database
	}
	return out
}

// JSON returns the plan as indented JSON with short arrays on one line.
func (p *Plan) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	return shortArrayRE.ReplaceAllFunc(b, func(m []byte) []byte {
		return spaceRE.ReplaceAll(m, []byte(" "))
	}), nil
}

var (
	shortArrayRE = regexp.MustCompile(`\[\s+[^\[\]{}"]*?\s+\]`)
	spaceRE      = regexp.MustCompile(`\s+`)
)
