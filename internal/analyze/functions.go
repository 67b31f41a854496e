package analyze

import (
	"strconv"

	"github.com/grantsql/grant/dialect"
)

// FuncRule says that calling a function forces a statement to the primary,
// and whether the call also leaves state on the connection (pins the session).
type FuncRule struct {
	// Name is the function name, lower case.
	Name string
	// Dialects lists where the rule applies; empty means every dialect.
	Dialects []dialect.Dialect
	// Pins is set when the call leaves state on the connection.
	Pins bool
	// Why says what the function does, for Statement.Reason.
	Why string
}

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
	{Name: "nextval", Dialects: pgMy, Why: "advances a sequence"},
	{Name: "setval", Dialects: pgMy, Why: "sets a sequence"},
	{Name: "currval", Dialects: pg, Why: "reads the session's sequence state"},
	{Name: "lastval", Dialects: pgMy, Why: "reads the session's sequence state"},
	// Advisory locks live in the server session that took them.
	{Name: "pg_advisory_lock", Dialects: pg, Pins: true, Why: "takes a session advisory lock"},
	{Name: "pg_advisory_lock_shared", Dialects: pg, Pins: true, Why: "takes a session advisory lock"},
	{Name: "pg_try_advisory_lock", Dialects: pg, Pins: true, Why: "takes a session advisory lock"},
	{Name: "pg_try_advisory_lock_shared", Dialects: pg, Pins: true, Why: "takes a session advisory lock"},
	{Name: "pg_advisory_unlock", Dialects: pg, Pins: true, Why: "releases a session advisory lock"},
	{Name: "pg_advisory_unlock_shared", Dialects: pg, Pins: true, Why: "releases a session advisory lock"},
	{Name: "pg_advisory_unlock_all", Dialects: pg, Pins: true, Why: "releases session advisory locks"},
	{Name: "pg_advisory_xact_lock", Dialects: pg, Why: "takes a transaction advisory lock"},
	{Name: "pg_advisory_xact_lock_shared", Dialects: pg, Why: "takes a transaction advisory lock"},
	{Name: "pg_try_advisory_xact_lock", Dialects: pg, Why: "takes a transaction advisory lock"},
	{Name: "pg_try_advisory_xact_lock_shared", Dialects: pg, Why: "takes a transaction advisory lock"},
	{Name: "get_lock", Dialects: my, Pins: true, Why: "takes a named lock"},
	{Name: "release_lock", Dialects: my, Pins: true, Why: "releases a named lock"},
	{Name: "release_all_locks", Dialects: my, Pins: true, Why: "releases named locks"},
	{Name: "is_free_lock", Dialects: my, Why: "reads the primary's named locks"},
	{Name: "is_used_lock", Dialects: my, Why: "reads the primary's named locks"},
	// Session state set or read by the previous statement.
	{Name: "set_config", Dialects: pg, Pins: true, Why: "changes a session setting"},
	{Name: "setseed", Dialects: pg, Pins: true, Why: "seeds the session's random generator"},
	{Name: "last_insert_id", Dialects: my, Why: "reads the session's last insert id"},
	{Name: "found_rows", Dialects: my, Why: "reads the session's last row count"},
	{Name: "row_count", Dialects: my, Why: "reads the session's last row count"},
	{Name: "last_insert_rowid", Dialects: lite, Why: "reads the connection's last insert id"},
	{Name: "changes", Dialects: lite, Why: "reads the connection's last change count"},
	{Name: "total_changes", Dialects: lite, Why: "reads the connection's change count"},
	// Transaction ids and WAL positions exist only on the primary.
	{Name: "txid_current", Dialects: pg, Why: "assigns a transaction id"},
	{Name: "txid_current_if_assigned", Dialects: pg, Why: "reads the transaction id"},
	{Name: "pg_current_xact_id", Dialects: pg, Why: "assigns a transaction id"},
	{Name: "pg_current_xact_id_if_assigned", Dialects: pg, Why: "reads the transaction id"},
	{Name: "pg_current_wal_lsn", Dialects: pg, Why: "reads the primary's WAL position"},
	{Name: "pg_current_wal_insert_lsn", Dialects: pg, Why: "reads the primary's WAL position"},
	{Name: "pg_current_wal_flush_lsn", Dialects: pg, Why: "reads the primary's WAL position"},
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
	{Name: "load_extension", Dialects: lite, Pins: true, Why: "loads an extension into the connection"},
	{Name: "master_pos_wait", Dialects: my, Why: "waits on the primary's binary log"},
	{Name: "source_pos_wait", Dialects: my, Why: "waits on the primary's binary log"},
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
	return r.Name + " (pins=" + strconv.FormatBool(r.Pins) + "): " + r.Why
}
