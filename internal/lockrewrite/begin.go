package lockrewrite

import (
	"github.com/grantsql/grant/locking"
)

// Begin is how to begin a transaction whose BeginTx context asks for a
// lock, on servers without row locks (SQLite).
type Begin struct {
	// SQL begins the transaction holding the database write lock.
	SQL string `json:"sql"`
	// Timeout is the busy_timeout to set around SQL (NoWait: 0, fail at
	// once; Timeout(d): d), or nil to keep the connection's.
	Timeout *Setting `json:"timeout,omitempty"`
}

// BeginFor returns how to begin a transaction for lock request r on
// server, or nil when the server needs nothing special (it has row locks:
// the clause goes on each SELECT).
//
// SQLite has no row locks, so Grant takes the strongest lock it has: a
// transaction begun with a locking context begins with BEGIN IMMEDIATE,
// which takes the database write lock (other writers wait; readers in WAL
// mode go on), and its locking SELECTs run unchanged. A locking SELECT in a
// SQLite transaction that holds no write lock is refused (NoWriteLock)
// rather than run without the protection it asked for. Of is ignored (the
// whole database is locked); SkipLocked, NoKeyUpdate and KeyShare are
// refused.
func BeginFor(server Server, r locking.Request) (*Begin, error) {
	if server != SQLite {
		return nil, nil
	}
	if err := checkRequest(server, "BEGIN", r); err != nil {
		return nil, err
	}
	b := &Begin{SQL: "BEGIN IMMEDIATE"}
	switch {
	case r.Wait == locking.FailFast:
		b.Timeout = sqliteBusyTimeout(0)
	case r.Timeout > 0:
		b.Timeout = sqliteBusyTimeout(ceilDiv(r.Timeout, 1e6))
	}
	return b, nil
}

// ReadOnlyTx is the error of a locking read in a READ ONLY transaction,
// where no server takes row locks.
func ReadOnlyTx(sql string, r locking.Request) error {
	return &locking.Error{
		Statement: sql,
		Reason:    r.Strength.String() + " in a READ ONLY transaction: locking reads need a read-write transaction on the primary",
		Err:       locking.ErrCannotLock,
	}
}
