package analyze

import (
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/stretchr/testify/assert"
)

const (
	pgD = dialect.Postgres
	myD = dialect.MySQL
	slD = dialect.SQLite
)

// classCase is one classification expectation.
type classCase struct {
	d    dialect.Dialect
	sql  string
	kind Kind
	read bool // may go to a replica
	pins bool
}

var classCases = []classCase{
	// Keywords inside literals, quoted identifiers and comments do not count.
	{pgD, "SELECT 'DELETE'", KindSelect, true, false},
	{pgD, `SELECT "update" FROM t`, KindSelect, true, false},
	{myD, "SELECT `delete` FROM t", KindSelect, true, false},
	{myD, `SELECT "update" FROM t`, KindSelect, true, false},
	{slD, `SELECT [delete] FROM t`, KindSelect, true, false},
	{pgD, "/* comment */ select 1", KindSelect, true, false},
	{pgD, "-- DELETE FROM t\nSELECT 1", KindSelect, true, false},
	{pgD, "SELECT $$ DELETE $$", KindSelect, true, false},
	{pgD, "SELECT $f$ it's $$ DELETE $$ $f$ FROM t", KindSelect, true, false},
	{pgD, "SELECT E'it\\'s DELETE' FROM t", KindSelect, true, false},
	{pgD, "SELECT 'it\\' DELETE FROM t", KindSelect, false, false},
	{myD, "SELECT 'it\\'s DELETE' FROM t", KindSelect, false, false}, // see FlagBackslashQuote
	{myD, "SELECT 'it''s DELETE', 'a\\\\' FROM t", KindSelect, true, false},
	{slD, "SELECT 'it''s DELETE' FROM t", KindSelect, true, false},
	// PostgreSQL nests block comments, MySQL and SQLite do not.
	{pgD, "SELECT /* a /* b */ DELETE */ 1", KindSelect, true, false},
	{myD, "SELECT /* a /* b */ DELETE */ 1", KindSelect, false, false},
	{slD, "SELECT /* a /* b */ DELETE */ 1", KindSelect, false, false},
	// MySQL comments: # and "-- " (dash-dash-space) only.
	{myD, "SELECT 1 # DELETE FROM t", KindSelect, true, false},
	{myD, "SELECT 1 -- DELETE FROM t", KindSelect, true, false},
	{myD, "SELECT 1 --1", KindSelect, true, false},
	{pgD, "SELECT 1 # 2", KindSelect, true, false},
	// MySQL executable comments are code.
	{myD, "SELECT /*! DELETE */ 1", KindSelect, false, false},
	{myD, "SELECT /*!50100 SQL_NO_CACHE */ a FROM t", KindSelect, true, false},
	{pgD, "SELECT /*! DELETE */ 1", KindSelect, true, false},
	{myD, "SELECT 1 /*!99999 ' */ DELETE FROM t /*! ' */", KindSelect, false, false},
	// Writes.
	{pgD, "INSERT INTO t VALUES (1)", KindInsert, false, false},
	{myD, "REPLACE INTO t VALUES (1)", KindInsert, false, false},
	{pgD, "UPDATE t SET a = 1", KindUpdate, false, false},
	{pgD, "DELETE FROM t", KindDelete, false, false},
	{pgD, "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE", KindMerge, false, false},
	{pgD, "CREATE TABLE t (a int)", KindDDL, false, false},
	{pgD, "TRUNCATE t", KindDDL, false, false},
	{pgD, "VACUUM t", KindOther, false, false},
	{pgD, "FROBNICATE t", KindUnknown, false, false},
	{pgD, "", KindEmpty, false, false},
	{pgD, " /* nothing */ ;", KindEmpty, false, false},
	// Data-modifying CTEs.
	{pgD, "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", KindSelect, false, false},
	{pgD, "WITH x AS (SELECT 1) SELECT * FROM x", KindSelect, true, false},
	{pgD, "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", KindInsert, false, false},
	{pgD, "WITH RECURSIVE x(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM x) SELECT * FROM x", KindSelect, true, false},
	// Functions that must run on the primary.
	{pgD, "SELECT nextval('s')", KindSelect, false, false},
	{pgD, "SELECT pg_catalog.nextval('s')", KindSelect, false, false},
	{pgD, "SELECT pg_advisory_lock(1)", KindSelect, false, true},
	{pgD, "SELECT pg_try_advisory_xact_lock(1)", KindSelect, false, false},
	{pgD, "SELECT txid_current()", KindSelect, false, false},
	{pgD, "SELECT pg_notify('c', 'x')", KindSelect, false, false},
	{pgD, "SELECT pg_sleep(1)", KindSelect, true, false},
	{myD, "SELECT GET_LOCK('a', 1)", KindSelect, false, true},
	{myD, "SELECT RELEASE_ALL_LOCKS()", KindSelect, false, true},
	{myD, "SELECT LAST_INSERT_ID()", KindSelect, false, false},
	{myD, "SELECT @@identity", KindSelect, false, false},
	{myD, "SELECT NEXT VALUE FOR s", KindSelect, false, false},
	{myD, "SELECT SLEEP(1), UUID_SHORT()", KindSelect, true, false},
	{slD, "SELECT last_insert_rowid()", KindSelect, false, false},
	{myD, "SELECT REPLACE(a, 'x', 'y'), INSERT(a, 1, 2, 'z'), TRUNCATE(1.5, 0) FROM t", KindSelect, true, false},
	// Locking reads.
	{pgD, "SELECT * FROM t FOR UPDATE", KindSelect, false, false},
	{pgD, "SELECT * FROM t FOR NO KEY UPDATE NOWAIT", KindSelect, false, false},
	{pgD, "SELECT * FROM t FOR KEY SHARE OF t SKIP LOCKED", KindSelect, false, false},
	{myD, "SELECT * FROM t LOCK IN SHARE MODE", KindSelect, false, false},
	{myD, "SELECT * FROM t FOR SHARE", KindSelect, false, false},
	// SELECT .. INTO.
	{pgD, "SELECT * INTO newtable FROM t", KindSelect, false, false},
	{pgD, "SELECT * INTO TEMP newtable FROM t", KindSelect, false, true},
	{myD, "SELECT a INTO @x FROM t", KindSelect, false, true},
	{myD, "SELECT a FROM t INTO OUTFILE '/tmp/a'", KindSelect, false, false},
	// Multi-statement strings.
	{pgD, "select 1; delete from t", KindSelect, false, false},
	{pgD, "select 1; select 2;", KindSelect, true, false},
	// EXPLAIN.
	{pgD, "EXPLAIN SELECT 1", KindExplain, true, false},
	{pgD, "EXPLAIN ANALYZE DELETE FROM t", KindExplain, false, false},
	{pgD, "EXPLAIN (ANALYZE, BUFFERS) UPDATE t SET a = 1", KindExplain, false, false},
	{slD, "EXPLAIN QUERY PLAN SELECT * FROM t", KindExplain, true, false},
	{myD, "EXPLAIN FORMAT=JSON SELECT * FROM t", KindExplain, true, false},
	{myD, "EXPLAIN t", KindExplain, true, false},
	// Reads.
	{pgD, "VALUES (1), (2)", KindSelect, true, false},
	{pgD, "TABLE t", KindSelect, true, false},
	{pgD, "(SELECT 1) UNION (SELECT 2)", KindSelect, true, false},
	{pgD, "SHOW search_path", KindShow, true, false},
	{myD, "SHOW TABLES", KindShow, true, false},
	{myD, "DESCRIBE t", KindShow, true, false},
	{myD, "DESC t", KindShow, true, false},
	{slD, "PRAGMA table_info(t)", KindPragma, true, false},
	{slD, "PRAGMA journal_mode", KindPragma, true, false},
	{slD, "PRAGMA foo = 1", KindPragma, false, true},
	{slD, "PRAGMA cache_size(100)", KindPragma, false, true},
	{slD, "PRAGMA optimize", KindPragma, false, false},
	// Transaction control.
	{pgD, "BEGIN", KindBegin, false, false},
	{pgD, "BEGIN READ ONLY", KindBegin, false, false},
	{myD, "START TRANSACTION READ ONLY", KindBegin, false, false},
	{slD, "BEGIN IMMEDIATE", KindBegin, false, false},
	{pgD, "COMMIT", KindCommit, false, false},
	{slD, "END", KindCommit, false, false},
	{pgD, "ROLLBACK", KindRollback, false, false},
	{pgD, "ABORT", KindRollback, false, false},
	{pgD, "SAVEPOINT s1", KindSavepoint, false, false},
	{pgD, "RELEASE SAVEPOINT s1", KindReleaseSavepoint, false, false},
	{slD, "RELEASE s1", KindReleaseSavepoint, false, false},
	{pgD, "ROLLBACK TO SAVEPOINT s1", KindRollbackTo, false, false},
	{myD, "ROLLBACK TO s1", KindRollbackTo, false, false},
	{pgD, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", KindSetTransaction, false, false},
	{myD, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED", KindSetTransaction, false, false},
	{pgD, "PREPARE TRANSACTION 'g1'", KindPrepareTransaction, false, false},
	{pgD, "COMMIT PREPARED 'g1'", KindCommitPrepared, false, false},
	{pgD, "ROLLBACK PREPARED 'g1'", KindRollbackPrepared, false, false},
	{myD, "XA START 'x'", KindXA, false, false},
	{myD, "XA PREPARE 'x'", KindXA, false, false},
	// Session state.
	{pgD, "SET LOCAL statement_timeout = 1000", KindSet, false, false},
	{pgD, "SET search_path = x", KindSet, false, true},
	{pgD, "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", KindSet, false, true},
	{pgD, "RESET ALL", KindReset, false, true},
	{pgD, "DISCARD ALL", KindReset, false, true},
	{myD, "SET @x = 1", KindSet, false, true},
	{myD, "SET NAMES utf8mb4", KindSet, false, true},
	{myD, "SET LOCAL sql_mode = ''", KindSet, false, true},
	{myD, "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE", KindSet, false, true},
	{myD, "SET GLOBAL max_connections = 10", KindSet, false, false},
	{myD, "SELECT @x := 1", KindSelect, false, true},
	{myD, "SELECT @x", KindSelect, true, false},
	{pgD, "CREATE TEMP TABLE x (a int)", KindDDL, false, true},
	{pgD, "CREATE TEMPORARY TABLE x (a int)", KindDDL, false, true},
	{myD, "CREATE TEMPORARY TABLE x (a int)", KindDDL, false, true},
	{myD, "DROP TEMPORARY TABLE x", KindDDL, false, true},
	{slD, "CREATE TEMP VIEW v AS SELECT 1", KindDDL, false, true},
	{myD, "LOCK TABLES t READ", KindLock, false, true},
	{myD, "UNLOCK TABLES", KindUnlock, false, true},
	{pgD, "LOCK TABLE t IN SHARE MODE", KindLock, false, false},
	{myD, "USE app", KindUse, false, true},
	{pgD, "PREPARE q AS SELECT 1", KindPrepare, false, true},
	{pgD, "EXECUTE q", KindExecute, false, true},
	{pgD, "DEALLOCATE q", KindDeallocate, false, true},
	{myD, "PREPARE s FROM 'SELECT 1'", KindPrepare, false, true},
	{pgD, "LISTEN ch", KindListen, false, true},
	{pgD, "UNLISTEN *", KindUnlisten, false, true},
	{pgD, "NOTIFY ch", KindNotify, false, false},
	{pgD, "DECLARE c CURSOR WITH HOLD FOR SELECT 1", KindCursor, false, true},
	{pgD, "FETCH 10 FROM c", KindCursor, false, true},
	{slD, "ATTACH DATABASE 'x.db' AS x", KindOther, false, true},
	// The safety net: a write keyword used as a bare name.
	{pgD, "SELECT load FROM t", KindSelect, false, false},
	{pgD, "SELECT t.load FROM t", KindSelect, true, false},
	// Unterminated literals are not understood.
	{pgD, "SELECT 'abc", KindSelect, false, false},
	{pgD, "SELECT 1 /* open", KindSelect, false, false},
}

func TestClassify(t *testing.T) {
	for _, c := range classCases {
		st := Analyze(c.d, c.sql)
		assert.Equal(t, c.kind, st.Kind, "%s %q kind", c.d, c.sql)
		assert.Equal(t, c.read, st.Read, "%s %q read (reason %q)", c.d, c.sql, st.Reason)
		assert.Equal(t, c.pins, st.Pins, "%s %q pins (%q)", c.d, c.sql, st.PinReason)
		if !st.Read {
			assert.NotEmpty(t, st.Reason, "%s %q has no reason", c.d, c.sql)
		}
		if st.Pins {
			assert.NotEmpty(t, st.PinReason, "%s %q has no pin reason", c.d, c.sql)
		}
	}
}

func TestLockingClause(t *testing.T) {
	st := Analyze(pgD, "SELECT * FROM a, b WHERE a.id = b.id FOR NO KEY UPDATE OF a, b SKIP LOCKED")
	if assert.NotNil(t, st.Locking) {
		assert.Equal(t, LockNoKeyUpdate, st.Locking.Strength)
		assert.Equal(t, []string{"a", "b"}, st.Locking.Of)
		assert.True(t, st.Locking.SkipLocked)
		assert.Equal(t, "FOR NO KEY UPDATE OF a, b SKIP LOCKED", st.Text(st.Locking.Span))
		assert.Same(t, st.Locking, st.Select.Lock)
		assert.Zero(t, st.Select.LockAt)
	}
	st = Analyze(myD, "SELECT * FROM t WHERE id = ? LOCK IN SHARE MODE")
	if assert.NotNil(t, st.Locking) {
		assert.Equal(t, LockShareMode, st.Locking.Strength)
	}
	st = Analyze(myD, "SELECT * FROM t FOR UPDATE WAIT 5")
	if assert.NotNil(t, st.Locking) {
		assert.Equal(t, "5", st.Locking.Wait)
	}
	st = Analyze(pgD, "SELECT * FROM t WHERE id = $1 -- note")
	assert.Nil(t, st.Locking)
	assert.Equal(t, len("SELECT * FROM t WHERE id = $1"), st.Select.LockAt)
	st = Analyze(pgD, "SELECT 1 UNION SELECT 2")
	assert.Zero(t, st.Select.LockAt)
}

func TestTxInfo(t *testing.T) {
	st := Analyze(pgD, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY, DEFERRABLE")
	assert.Equal(t, &TxInfo{ReadOnly: true, Isolation: "repeatable read", Deferrable: true}, st.Tx)
	assert.True(t, st.Full)
	st = Analyze(myD, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ WRITE")
	assert.Equal(t, &TxInfo{ReadWrite: true, Mode: "with consistent snapshot"}, st.Tx)
	st = Analyze(slD, "BEGIN EXCLUSIVE TRANSACTION")
	assert.Equal(t, &TxInfo{Mode: "exclusive"}, st.Tx)
	st = Analyze(pgD, `ROLLBACK TO SAVEPOINT "sp 1"`)
	assert.Equal(t, "sp 1", st.Tx.Name)
	st = Analyze(pgD, "COMMIT AND CHAIN")
	assert.True(t, st.Tx.Chain)
	st = Analyze(pgD, "COMMIT PREPARED 'grant-1'")
	assert.Equal(t, KindCommitPrepared, st.Kind)
	assert.Equal(t, "grant-1", st.Tx.Name)
	st = Analyze(myD, "XA COMMIT 'gtrid', 'bqual' ONE PHASE")
	assert.Equal(t, &TxInfo{XA: "commit", Name: "'gtrid', 'bqual'", OnePhase: true}, st.Tx)
	st = Analyze(myD, "XA BEGIN 'x'")
	assert.Equal(t, &TxInfo{XA: "start", Name: "x"}, st.Tx)
	st = Analyze(pgD, "BEGIN; INSERT INTO t VALUES (1); COMMIT")
	assert.True(t, st.Multi)
	assert.Equal(t, []Kind{KindBegin, KindInsert, KindCommit}, st.Kinds)
	assert.False(t, st.Full)
}

func TestFunctionsListed(t *testing.T) {
	st := Analyze(pgD, "SELECT nextval('a'), NEXTVAL('b'), pg_advisory_unlock_all()")
	assert.Equal(t, []string{"nextval", "pg_advisory_unlock_all"}, st.Functions)
	for _, r := range Functions {
		assert.NotEmpty(t, r.Why, r.Name)
		for _, d := range r.Dialects {
			assert.Same(t, LookupFunc(d, r.Name), LookupFunc(d, r.Name))
			assert.NotNil(t, LookupFunc(d, r.Name), r.Name)
		}
	}
	assert.Nil(t, LookupFunc(myD, "nextval_not"))
	assert.Nil(t, LookupFunc(slD, "nextval"))
}

func TestValueNumbers(t *testing.T) {
	st := Analyze(pgD, "SELECT * FROM t WHERE a = -42 AND b = 1.5e2 AND c = 0x1F AND d = 'x'")
	c := st.Select.Where.Conjuncts
	n, ok := c[0].Values[0].Value.Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(-42), n)
	f, ok := c[1].Values[0].Value.Float64()
	assert.True(t, ok)
	assert.Equal(t, 150.0, f)
	n, ok = c[2].Values[0].Value.Int64()
	assert.True(t, ok)
	assert.Equal(t, int64(31), n)
	_, ok = c[3].Values[0].Value.Int64()
	assert.False(t, ok)

	st = Analyze(myD, "SELECT * FROM t WHERE a = 010 AND b = -007")
	c = st.Select.Where.Conjuncts
	n, _ = c[0].Values[0].Value.Int64()
	assert.Equal(t, int64(10), n, "leading zeros are decimal in SQL")
	n, _ = c[1].Values[0].Value.Int64()
	assert.Equal(t, int64(-7), n)
}
