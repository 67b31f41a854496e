package analyze

import (
	"github.com/grantsql/grant/dialect"
)

// FuncRule says that calling a function forces a statement to the primary,
// and what else the call does.
type FuncRule struct {
	// Name is the function name, lower case.
	Name string
	// Dialects lists where the rule applies; empty means every dialect.
	Dialects []dialect.Dialect
	// Effect is what the call does besides needing the primary.
	Effect FuncEffect
	// Why says what the function does, for Statement.Reason.
	Why string
}

// FuncEffect is what calling a function of the Functions table does.
type FuncEffect uint8

// The function effects.
const (
	// FuncWrites: the call changes data or server state (a sequence, the
	// WAL, a large object, another backend), so it counts as a write.
	FuncWrites FuncEffect = iota
	// FuncPins: the call leaves state on the connection (a session lock, a
	// setting), so the session keeps that connection.
	FuncPins
	// FuncReads: the call only reads what exists on the primary or in the
	// session (the last insert id, a WAL position, a lock's holder).
	FuncReads
	// FuncResults: like FuncWrites, and the call leaves results the
	// session may read next (nextval then currval, lastval).
	FuncResults
	// FuncSessionReads: the call reads what the session's previous
	// statements left (the last insert id, the row count, currval), so it
	// must run on the connection they ran on.
	FuncSessionReads
)

var (
	pg   = []dialect.Dialect{dialect.Postgres}
	my   = []dialect.Dialect{dialect.MySQL}
	lite = []dialect.Dialect{dialect.SQLite}
	pgMy = []dialect.Dialect{dialect.Postgres, dialect.MySQL}
)

// Functions is the documented list of functions that must run on the
// primary. Names are matched case-insensitively, with or without a schema
// qualifier (pg_catalog.nextval). Functions not listed are assumed to be
// free of side effects; sleep, uuid_short, random and friends are not listed
// on purpose (they run anywhere).
var Functions = []FuncRule{
	// Sequences advance or read the session's sequence state.
	{Name: "nextval", Dialects: pgMy, Effect: FuncResults, Why: "advances a sequence"},
	{Name: "setval", Dialects: pgMy, Effect: FuncResults, Why: "sets a sequence"},
	{Name: "currval", Dialects: pg, Effect: FuncSessionReads, Why: "reads the session's sequence state"},
	{Name: "lastval", Dialects: pgMy, Effect: FuncSessionReads, Why: "reads the session's sequence state"},
	// Advisory locks live in the server session that took them.
	{Name: "pg_advisory_lock", Dialects: pg, Effect: FuncPins, Why: "takes a session advisory lock"},
	{Name: "pg_advisory_lock_shared", Dialects: pg, Effect: FuncPins, Why: "takes a session advisory lock"},
	{Name: "pg_try_advisory_lock", Dialects: pg, Effect: FuncPins, Why: "takes a session advisory lock"},
	{Name: "pg_try_advisory_lock_shared", Dialects: pg, Effect: FuncPins, Why: "takes a session advisory lock"},
	{Name: "pg_advisory_unlock", Dialects: pg, Effect: FuncPins, Why: "releases a session advisory lock"},
	{Name: "pg_advisory_unlock_shared", Dialects: pg, Effect: FuncPins, Why: "releases a session advisory lock"},
	{Name: "pg_advisory_unlock_all", Dialects: pg, Effect: FuncPins, Why: "releases session advisory locks"},
	{Name: "pg_advisory_xact_lock", Dialects: pg, Effect: FuncReads, Why: "takes a transaction advisory lock"},
	{Name: "pg_advisory_xact_lock_shared", Dialects: pg, Effect: FuncReads, Why: "takes a transaction advisory lock"},
	{Name: "pg_try_advisory_xact_lock", Dialects: pg, Effect: FuncReads, Why: "takes a transaction advisory lock"},
	{Name: "pg_try_advisory_xact_lock_shared", Dialects: pg, Effect: FuncReads, Why: "takes a transaction advisory lock"},
	{Name: "get_lock", Dialects: my, Effect: FuncPins, Why: "takes a named lock"},
	{Name: "release_lock", Dialects: my, Effect: FuncPins, Why: "releases a named lock"},
	{Name: "release_all_locks", Dialects: my, Effect: FuncPins, Why: "releases named locks"},
	{Name: "is_free_lock", Dialects: my, Effect: FuncReads, Why: "reads the primary's named locks"},
	{Name: "is_used_lock", Dialects: my, Effect: FuncReads, Why: "reads the primary's named locks"},
	// Session state set or read by the previous statement.
	{Name: "set_config", Dialects: pg, Effect: FuncPins, Why: "changes a session setting"},
	{Name: "pg_backend_pid", Dialects: pg, Effect: FuncPins, Why: "identifies the session's server process"},
	{Name: "connection_id", Dialects: my, Effect: FuncPins, Why: "identifies the session's server thread"},
	{Name: "setseed", Dialects: pg, Effect: FuncPins, Why: "seeds the session's random generator"},
	{Name: "last_insert_id", Dialects: my, Effect: FuncSessionReads, Why: "reads the session's last insert id"},
	{Name: "found_rows", Dialects: my, Effect: FuncSessionReads, Why: "reads the session's last row count"},
	{Name: "row_count", Dialects: my, Effect: FuncSessionReads, Why: "reads the session's last row count"},
	{Name: "last_insert_rowid", Dialects: lite, Effect: FuncSessionReads, Why: "reads the connection's last insert id"},
	{Name: "changes", Dialects: lite, Effect: FuncSessionReads, Why: "reads the connection's last change count"},
	{Name: "total_changes", Dialects: lite, Effect: FuncSessionReads, Why: "reads the connection's change count"},
	// Transaction ids and WAL positions exist only on the primary.
	{Name: "txid_current", Dialects: pg, Why: "assigns a transaction id"},
	{Name: "txid_current_if_assigned", Dialects: pg, Effect: FuncReads, Why: "reads the transaction id"},
	{Name: "pg_current_xact_id", Dialects: pg, Why: "assigns a transaction id"},
	{Name: "pg_current_xact_id_if_assigned", Dialects: pg, Effect: FuncReads, Why: "reads the transaction id"},
	{Name: "pg_current_wal_lsn", Dialects: pg, Effect: FuncReads, Why: "reads the primary's WAL position"},
	{Name: "pg_current_wal_insert_lsn", Dialects: pg, Effect: FuncReads, Why: "reads the primary's WAL position"},
	{Name: "pg_current_wal_flush_lsn", Dialects: pg, Effect: FuncReads, Why: "reads the primary's WAL position"},
	// Functions that write.
	{Name: "pg_notify", Dialects: pg, Why: "sends a notification"},
	{Name: "pg_logical_emit_message", Dialects: pg, Why: "writes to the WAL"},
	{Name: "pg_switch_wal", Dialects: pg, Why: "writes to the WAL"},
	{Name: "pg_create_restore_point", Dialects: pg, Why: "writes to the WAL"},
	{Name: "lo_create", Dialects: pg, Why: "writes a large object"},
	{Name: "lo_creat", Dialects: pg, Why: "writes a large object"},
	{Name: "lo_import", Dialects: pg, Why: "writes a large object"},
	{Name: "lo_from_bytea", Dialects: pg, Why: "writes a large object"},
	{Name: "lo_put", Dialects: pg, Why: "writes a large object"},
	{Name: "lo_unlink", Dialects: pg, Why: "writes a large object"},
	{Name: "lo_truncate", Dialects: pg, Why: "writes a large object"},
	{Name: "dblink_exec", Dialects: pg, Why: "runs a remote statement"},
	// Functions that act on the server or on other sessions.
	{Name: "pg_terminate_backend", Dialects: pg, Why: "terminates another session"},
	{Name: "pg_cancel_backend", Dialects: pg, Why: "cancels another session's statement"},
	{Name: "pg_stat_reset", Dialects: pg, Why: "resets the server's statistics"},
	{Name: "pg_stat_reset_shared", Dialects: pg, Why: "resets the server's statistics"},
	{Name: "pg_stat_reset_single_table_counters", Dialects: pg, Why: "resets the server's statistics"},
	{Name: "pg_stat_reset_single_function_counters", Dialects: pg, Why: "resets the server's statistics"},
	{Name: "pg_reload_conf", Dialects: pg, Why: "reloads the server's configuration"},
	{Name: "pg_rotate_logfile", Dialects: pg, Why: "rotates the server's log"},
	{Name: "load_extension", Dialects: lite, Effect: FuncPins, Why: "loads an extension into the connection"},
	{Name: "master_pos_wait", Dialects: my, Effect: FuncReads, Why: "waits on the primary's binary log"},
	{Name: "source_pos_wait", Dialects: my, Effect: FuncReads, Why: "waits on the primary's binary log"},
}

// MySQL-only spellings that read like a function table entry but come in as
// variables (@@identity) or syntax (NEXT VALUE FOR s) are recognised in scan.go.

// funcIndex maps, per dialect, a lower-case name to its rule.
var funcIndex = func() (m [dialect.SQLite + 1]map[string]*FuncRule) {
	for d := range m {
		m[d] = make(map[string]*FuncRule)
	}
	for i := range Functions {
		r := &Functions[i]
		ds := r.Dialects
		if len(ds) == 0 {
			ds = []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite}
		}
		for _, d := range ds {
			m[d][r.Name] = r
		}
	}
	return m
}()

// LookupFunc returns the rule for calling name on dialect d, or nil.
// The lookup ignores ASCII case and allocates nothing.
func LookupFunc(d dialect.Dialect, name string) *FuncRule {
	if len(name) > 40 || !d.Valid() {
		return nil
	}
	var buf [40]byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return funcIndex[d][string(buf[:len(name)])]
}

// String describes r for documentation and debugging.
func (r *FuncRule) String() string {
	return r.Name + " (" + [...]string{"writes", "pins", "reads", "writes, leaves results", "reads session results"}[r.Effect] + "): " + r.Why
}
