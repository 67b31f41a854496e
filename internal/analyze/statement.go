package analyze

import "github.com/grantsql/grant/dialect"

// Statement is the analysis of one SQL text. Analyze never fails: what it
// does not understand it classifies conservatively (a write, for the
// primary). A *Statement returned by a Cache is shared by every caller and
// must not be modified.
//
// Routing reads Kind, Read, Reason, Pins and Tx; sharding reads Tables and
// the structural parts (Select, Insert, Update, Delete) but only when Full;
// locking reads Locking and Select.LockAt.
type Statement struct {
	Dialect dialect.Dialect `json:"dialect"`
	SQL     string          `json:"sql"`
	// Kind is what the (first) statement does.
	Kind Kind `json:"kind"`
	// Read is true when the text may run on a replica: a reading kind with no
	// locking clause, no data-modifying CTE, no SELECT .. INTO, no
	// primary-only function, no session-pinning effect and no write keyword.
	Read bool `json:"read"`
	// Reason says why the text must run on the primary when Read is false.
	Reason string `json:"reason,omitempty"`
	// Pins is true when running the text leaves state on the physical
	// connection (SET, temporary tables, advisory locks, user variables,
	// LOCK TABLES, PREPARE, LISTEN, cursors, ...): the session must keep that
	// connection from then on.
	Pins bool `json:"pins,omitempty"`
	// PinReason says what pins.
	PinReason string `json:"pin_reason,omitempty"`
	// Multi is true when the text holds more than one statement ("a; b").
	// Kind is then the first statement's; Kinds lists them all, and Read,
	// Pins and Locking combine them all.
	Multi bool   `json:"multi,omitempty"`
	Kinds []Kind `json:"kinds,omitempty"`
	// Effects is what running the text does, for routing, sharding and
	// the executor.
	Effects Effects `json:"effects"`
	// Inner is the kind of the statement an EXPLAIN explains.
	Inner Kind `json:"inner,omitempty"`
	// Functions lists, lower-cased, the calls of the Functions table found in
	// the text (functions that must run on the primary).
	Functions []string `json:"functions,omitempty"`
	// Locking is the first row-locking clause anywhere in the text
	// (FOR UPDATE / SHARE / NO KEY UPDATE / KEY SHARE, LOCK IN SHARE MODE).
	Locking *LockClause `json:"locking,omitempty"`
	// Tx details transaction-control statements.
	Tx *TxInfo `json:"tx,omitempty"`
	// Params is the highest placeholder ordinal ($n, ?, ?NNN, SQLite names).
	Params int `json:"params,omitempty"`
	// Named is true when the text uses named placeholders (:name, @name, $name).
	Named bool `json:"named,omitempty"`
	// Tables lists every table the text references, in order of appearance,
	// including those in subqueries and CTE bodies but not references to the
	// statement's own CTEs. Exact duplicates are listed once.
	Tables []TableRef `json:"tables,omitempty"`
	// With lists the statement's common table expressions.
	With []CTE `json:"with,omitempty"`
	// The structural parse, one of which is set for a DML statement.
	Select *Select `json:"select,omitempty"`
	Insert *Insert `json:"insert,omitempty"`
	Update *Update `json:"update,omitempty"`
	Delete *Delete `json:"delete,omitempty"`
	// Full is true when the structural parser accounted for every token of
	// the text. Sharding must refuse statements that are not Full.
	Full bool `json:"full"`
	// NotFull says why Full is false.
	NotFull string `json:"not_full,omitempty"`
}

// IsRead reports whether s may run on a replica (the Read field).
func (s *Statement) IsRead() bool { return s.Read }

// Text returns the source text of span sp.
func (s *Statement) Text(sp Span) string { return s.SQL[sp.Start:sp.End] }

// TableNames returns the distinct table names of s.Tables (schema-qualified
// when written so), in order of first appearance.
func (s *Statement) TableNames() []string {
	var out []string
	seen := make(map[string]bool, len(s.Tables))
	for _, t := range s.Tables {
		n := t.Name
		if t.Schema != "" {
			n = t.Schema + "." + n
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// TxInfo details a transaction-control statement.
type TxInfo struct {
	// ReadOnly and ReadWrite echo an explicit access mode.
	ReadOnly  bool `json:"read_only,omitempty"`
	ReadWrite bool `json:"read_write,omitempty"`
	// Isolation is the isolation level, lower case ("repeatable read").
	Isolation string `json:"isolation,omitempty"`
	// Deferrable is PostgreSQL's DEFERRABLE.
	Deferrable bool `json:"deferrable,omitempty"`
	// Mode is SQLite's DEFERRED / IMMEDIATE / EXCLUSIVE or MySQL's
	// "with consistent snapshot", lower case.
	Mode string `json:"mode,omitempty"`
	// Name is a savepoint name, a prepared transaction's gid or an XA xid
	// (as written, quotes removed from a single string literal).
	Name string `json:"name,omitempty"`
	// XA is the XA verb: start, end, prepare, commit, rollback, recover.
	XA string `json:"xa,omitempty"`
	// OnePhase is XA COMMIT .. ONE PHASE.
	OnePhase bool `json:"one_phase,omitempty"`
	// Chain is COMMIT/ROLLBACK AND CHAIN.
	Chain bool `json:"chain,omitempty"`
}

// CTE is one common table expression of a WITH clause.
type CTE struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns,omitempty"`
	Span    Span     `json:"span"`
	// Body is the kind of the CTE's statement; a kind other than select is a
	// data-modifying CTE.
	Body   Kind    `json:"body"`
	Select *Select `json:"select,omitempty"`
	Insert *Insert `json:"insert,omitempty"`
	Update *Update `json:"update,omitempty"`
	Delete *Delete `json:"delete,omitempty"`
}

// LockStrength is the strength of a row-locking clause.
type LockStrength uint8

// The lock strengths.
const (
	LockUpdate      LockStrength = iota + 1 // FOR UPDATE
	LockNoKeyUpdate                         // FOR NO KEY UPDATE (PostgreSQL)
	LockShare                               // FOR SHARE
	LockKeyShare                            // FOR KEY SHARE (PostgreSQL)
	LockShareMode                           // LOCK IN SHARE MODE (MySQL)
)

var lockNames = [...]string{"", "update", "no_key_update", "share", "key_share", "share_mode"}

// String returns the snake_case name of l.
func (l LockStrength) String() string {
	if int(l) < len(lockNames) {
		return lockNames[l]
	}
	return "lock?"
}

// MarshalText implements encoding.TextMarshaler with String.
func (l LockStrength) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// LockClause is a row-locking clause.
type LockClause struct {
	Span     Span         `json:"span"`
	Strength LockStrength `json:"strength"`
	// Of lists the tables of FOR .. OF t, u.
	Of         []string `json:"of,omitempty"`
	NoWait     bool     `json:"nowait,omitempty"`
	SkipLocked bool     `json:"skip_locked,omitempty"`
	// Wait is MariaDB's WAIT n, as written.
	Wait string `json:"wait,omitempty"`
	// More is true when further locking clauses follow the first (PostgreSQL
	// allows FOR UPDATE OF a FOR SHARE OF b); Span covers them all.
	More bool `json:"more,omitempty"`
}
