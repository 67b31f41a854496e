package analyze

import "strconv"

// Kind is what a statement does, as far as routing cares.
type Kind uint8

// The statement kinds.
const (
	KindUnknown            Kind = iota // not recognised: treated as a write
	KindEmpty                          // only comments or nothing
	KindSelect                         // SELECT, VALUES, TABLE, WITH .. SELECT
	KindInsert                         // INSERT, REPLACE, INSERT OR ..
	KindUpdate                         // UPDATE
	KindDelete                         // DELETE
	KindMerge                          // MERGE
	KindDDL                            // CREATE, ALTER, DROP, TRUNCATE, RENAME, COMMENT, GRANT, REVOKE
	KindBegin                          // BEGIN, START TRANSACTION
	KindCommit                         // COMMIT, END
	KindRollback                       // ROLLBACK, ABORT
	KindSavepoint                      // SAVEPOINT x
	KindReleaseSavepoint               // RELEASE [SAVEPOINT] x
	KindRollbackTo                     // ROLLBACK TO [SAVEPOINT] x
	KindSetTransaction                 // SET TRANSACTION .. (the next or current transaction only)
	KindPrepareTransaction             // PostgreSQL PREPARE TRANSACTION 'gid'
	KindCommitPrepared                 // PostgreSQL COMMIT PREPARED 'gid'
	KindRollbackPrepared               // PostgreSQL ROLLBACK PREPARED 'gid'
	KindXA                             // MySQL XA START/END/PREPARE/COMMIT/ROLLBACK/RECOVER
	KindSet                            // SET of a session, local or global setting
	KindReset                          // PostgreSQL RESET, DISCARD
	KindUse                            // MySQL USE db
	KindLock                           // LOCK TABLE(S)
	KindUnlock                         // MySQL UNLOCK TABLES
	KindPrepare                        // SQL-level PREPARE name
	KindExecute                        // SQL-level EXECUTE name
	KindDeallocate                     // DEALLOCATE [PREPARE] name, MySQL DROP PREPARE
	KindListen                         // PostgreSQL LISTEN
	KindUnlisten                       // PostgreSQL UNLISTEN
	KindNotify                         // PostgreSQL NOTIFY
	KindCursor                         // DECLARE .. CURSOR, FETCH, MOVE, CLOSE
	KindShow                           // SHOW, DESCRIBE, DESC
	KindExplain                        // EXPLAIN
	KindPragma                         // SQLite PRAGMA
	KindCall                           // CALL, DO
	KindOther                          // recognised maintenance or admin statements (VACUUM, ANALYZE, COPY, ...)
	kindCount
)

var kindNames = [...]string{
	KindUnknown: "unknown", KindEmpty: "empty", KindSelect: "select", KindInsert: "insert",
	KindUpdate: "update", KindDelete: "delete", KindMerge: "merge", KindDDL: "ddl",
	KindBegin: "begin", KindCommit: "commit", KindRollback: "rollback",
	KindSavepoint: "savepoint", KindReleaseSavepoint: "release_savepoint",
	KindRollbackTo: "rollback_to", KindSetTransaction: "set_transaction",
	KindPrepareTransaction: "prepare_transaction", KindCommitPrepared: "commit_prepared",
	KindRollbackPrepared: "rollback_prepared", KindXA: "xa", KindSet: "set",
	KindReset: "reset", KindUse: "use", KindLock: "lock", KindUnlock: "unlock",
	KindPrepare: "prepare", KindExecute: "execute", KindDeallocate: "deallocate",
	KindListen: "listen", KindUnlisten: "unlisten", KindNotify: "notify",
	KindCursor: "cursor", KindShow: "show", KindExplain: "explain", KindPragma: "pragma",
	KindCall: "call", KindOther: "other",
}

// String returns the snake_case name of k.
func (k Kind) String() string {
	if k < kindCount {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText implements encoding.TextMarshaler with String.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// IsDML reports whether k is one of the data statements the structural parse
// covers: select, insert, update, delete.
func (k Kind) IsDML() bool { return k >= KindSelect && k <= KindDelete }

// IsTxControl reports whether k begins, ends or shapes a transaction:
// begin, commit, rollback, savepoints, SET TRANSACTION and the two-phase
// commit statements.
func (k Kind) IsTxControl() bool { return k >= KindBegin && k <= KindXA }
