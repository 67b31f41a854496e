package twopc

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
)

// Table holds the decisions, in each coordinator database.
const Table = "grant_twophase"

// The states of a decision.
const (
	Committed = "commit"
	Aborted   = "abort"
)

// EnsureTable creates the decision table of the database of pc, outside
// any transaction (MySQL DDL would commit one).
//
// Two processes creating it at once may both pass PostgreSQL's IF NOT
// EXISTS check; the loser fails on the catalog's unique index (23505) or
// with "already exists" (42P07, 42710). It then tries again, and finds the
// table the winner made.
func EnsureTable(ctx context.Context, pc *registry.Conn) error {
	var err error
	for range 3 {
		_, err = pc.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+Table+
			" (gid VARCHAR(200) NOT NULL PRIMARY KEY, state VARCHAR(8) NOT NULL, participants TEXT NOT NULL,"+
			" created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)", nil, false)
		if err == nil || !createRace(err) {
			return err
		}
	}
	return err
}

// createRace reports PostgreSQL's error for a table created concurrently.
func createRace(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "42P07" || pe.Code == "42710")
}

// Record writes the commit decision of id, naming every participant
// database, in the coordinator's open transaction on pc. Its commit is the
// commit point.
func Record(ctx context.Context, pc *registry.Conn, id ID, participants []string) error {
	_, err := pc.Exec(ctx, "INSERT INTO "+Table+" (gid, state, participants) VALUES ('"+id.String()+"', '"+
		Committed+"', '"+strings.Join(participants, ",")+"')", nil, false)
	return err
}

// Decide returns whether id committed, reading its decision on pc, a
// connection to the coordinator database outside any transaction. Without
// a decision row it records an abort, under the same key: if the
// coordinator's transaction still holds its uncommitted decision, that
// insert waits for it (at most wait) and fails if it commits. So a branch
// is rolled back only once the coordinator can no longer commit.
func Decide(ctx context.Context, d dialect.Dialect, pc *registry.Conn, id ID, participants []string, wait time.Duration) (bool, error) {
	state, err := one(ctx, pc, "SELECT state FROM "+Table+" WHERE gid = '"+id.String()+"'")
	if missingTable(err) {
		// No decision was ever recorded here: the abort is recorded in a
		// new table.
		state, err = "", EnsureTable(ctx, pc)
	}
	if err != nil || state != "" {
		return state == Committed, err
	}
	tx, err := pc.Begin(ctx, driver.TxOptions{})
	if err != nil {
		return false, err
	}
	setWait, resetWait := "SET LOCAL lock_timeout = '"+wait.String()+"'", ""
	if d == dialect.MySQL {
		setWait = "SET SESSION innodb_lock_wait_timeout = " + strconv.Itoa(max(1, int(wait.Seconds())))
		resetWait = "SET SESSION innodb_lock_wait_timeout = DEFAULT"
	}
	_, err = pc.Exec(ctx, setWait, nil, false)
	if err == nil {
		_, err = pc.Exec(ctx, "INSERT INTO "+Table+" (gid, state, participants) VALUES ('"+id.String()+"', '"+
			Aborted+"', '"+strings.Join(participants, ",")+"')", nil, false)
	}
	if err == nil {
		err = tx.Commit()
	} else {
		tx.Rollback()
	}
	if resetWait != "" {
		_, _ = pc.Exec(ctx, resetWait, nil, false)
	}
	switch {
	case err == nil:
		return false, nil
	case duplicate(err):
		return true, nil // the coordinator committed meanwhile
	}
	return false, err
}

// Forget removes the decisions of ids, once no branch of them is left, in
// one statement.
func Forget(ctx context.Context, pc *registry.Conn, ids ...ID) error {
	if len(ids) == 0 {
		return nil
	}
	var q strings.Builder
	q.WriteString("DELETE FROM " + Table + " WHERE gid IN (")
	for i, id := range ids {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("'" + id.String() + "'")
	}
	q.WriteString(")")
	_, err := pc.Exec(ctx, q.String(), nil, false)
	return err
}

// Decision is one row of the decision table.
type Decision struct {
	ID           ID
	State        string
	Participants []string
}

// Decisions lists the decision table of the database of pc; a database
// without the table has none.
func Decisions(ctx context.Context, pc *registry.Conn) ([]Decision, error) {
	rows, st, err := pc.Query(ctx, "SELECT gid, state, participants FROM "+Table, nil, false)
	if err != nil {
		if missingTable(err) {
			return nil, nil
		}
		return nil, err
	}
	defer func() {
		rows.Close()
		if st != nil {
			st.Close()
		}
	}()
	var out []Decision
	row := make([]driver.Value, 3)
	for {
		if err := rows.Next(row); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		if id, ok := Parse(text(row[0])); ok {
			out = append(out, Decision{ID: id, State: text(row[1]), Participants: strings.Split(text(row[2]), ",")})
		}
	}
}

// duplicate reports a unique-key violation.
func duplicate(err error) bool {
	var pe *pgconn.PgError
	var me *mysql.MySQLError
	return errors.As(err, &pe) && pe.Code == "23505" || errors.As(err, &me) && me.Number == 1062
}

// missingTable reports that the decision table does not exist.
func missingTable(err error) bool {
	var pe *pgconn.PgError
	var me *mysql.MySQLError
	return errors.As(err, &pe) && pe.Code == "42P01" || errors.As(err, &me) && me.Number == 1146
}
