package lockrewrite

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Setting is a session setting to change around one statement (a lock
// timeout), as data. The executor runs, on the statement's connection:
//
//	var saved string
//	QueryRow(s.Save).Scan(&saved)   // the current value
//	Exec(s.Set)                     // the new value
//	... the statement ...           // (for SQLite: BEGIN IMMEDIATE)
//	q, args, err := s.Restore(saved)
//	Exec(q, args...)                // the old value back, whatever the statement did
//
// On PostgreSQL the setting is SET LOCAL, so the end of the transaction
// restores it too, even when the restore cannot run (an aborted
// transaction).
type Setting struct {
	// Name is the server's setting: lock_timeout (PostgreSQL),
	// innodb_lock_wait_timeout (MySQL 8), busy_timeout (SQLite).
	Name string `json:"name"`
	// Value is the value set, in the setting's unit (ms, s, ms).
	Value int64 `json:"value"`
	// Save returns the current value as one row of one column.
	Save string `json:"save"`
	// Set sets Value.
	Set string `json:"set"`
	// restore is the restoring statement: with a $1 parameter on
	// PostgreSQL, a prefix for an integer literal elsewhere.
	restore string
}

// Restore returns the statement that gives the setting back the value Save
// returned, and its arguments. The value is checked, so a literal is safe.
func (s *Setting) Restore(saved string) (query string, args []any, err error) {
	if strings.Contains(s.restore, "$1") {
		return s.restore, []any{saved}, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(saved), 10, 64)
	if err != nil || n < 0 {
		return "", nil, fmt.Errorf("lockrewrite: saved %s %q is not a non-negative integer", s.Name, saved)
	}
	return s.restore + strconv.FormatInt(n, 10), nil, nil
}

// String shows the setting for plans and golden files.
func (s *Setting) String() string {
	q, _, _ := s.Restore("<saved>")
	if q == "" {
		q = s.restore + "<saved>"
	}
	return "save: " + s.Save + "\nset: " + s.Set + "\nrestore: " + q
}

// ceilDiv returns d in units of u, rounded up, at least 1.
func ceilDiv(d, u time.Duration) int64 {
	n := int64((d + u - 1) / u)
	if n < 1 {
		n = 1
	}
	return n
}

// pgLockTimeout is PostgreSQL's lock_timeout for d, in milliseconds.
func pgLockTimeout(d time.Duration) *Setting {
	ms := ceilDiv(d, time.Millisecond)
	return &Setting{
		Name: "lock_timeout", Value: ms,
		Save:    "SELECT current_setting('lock_timeout')",
		Set:     "SET LOCAL lock_timeout = " + strconv.FormatInt(ms, 10),
		restore: "SELECT set_config('lock_timeout', $1, true)",
	}
}

// mysqlLockTimeout is MySQL's innodb_lock_wait_timeout for d, in seconds.
func mysqlLockTimeout(d time.Duration) *Setting {
	s := ceilDiv(d, time.Second)
	return &Setting{
		Name: "innodb_lock_wait_timeout", Value: s,
		Save:    "SELECT @@SESSION.innodb_lock_wait_timeout",
		Set:     "SET SESSION innodb_lock_wait_timeout = " + strconv.FormatInt(s, 10),
		restore: "SET SESSION innodb_lock_wait_timeout = ",
	}
}

// sqliteBusyTimeout is SQLite's busy_timeout, in milliseconds; 0 fails at
// once (NOWAIT).
func sqliteBusyTimeout(ms int64) *Setting {
	return &Setting{
		Name: "busy_timeout", Value: ms,
		Save:    "PRAGMA busy_timeout",
		Set:     "PRAGMA busy_timeout = " + strconv.FormatInt(ms, 10),
		restore: "PRAGMA busy_timeout = ",
	}
}
