package twopc

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/registry"
)

// ErrUnavailable is matched by the error of a database that cannot take
// part in a two-phase commit (SQLite; PostgreSQL with
// max_prepared_transactions = 0).
var ErrUnavailable = errors.New("two-phase commit is not available")

// Available reports whether the database of pc can prepare transactions.
func Available(ctx context.Context, d dialect.Dialect, pc *registry.Conn) error {
	switch d {
	case dialect.MySQL:
		return nil
	case dialect.Postgres:
		v, err := one(ctx, pc, "SHOW max_prepared_transactions")
		if err != nil {
			return err
		}
		if n, _ := strconv.Atoi(v); n <= 0 {
			return fmt.Errorf("%w on %s: max_prepared_transactions is %s on its server (set it above 0 and restart)",
				ErrUnavailable, pc.Node.Database, v)
		}
		return nil
	}
	return fmt.Errorf("%w on %s: %s cannot prepare a transaction", ErrUnavailable, pc.Node.Database, d)
}

// StartsXA reports whether a branch of dialect d begins with XA START
// instead of BEGIN: MySQL cannot prepare a transaction begun otherwise.
func StartsXA(d dialect.Dialect) bool { return d == dialect.MySQL }

// Begin starts the branch b on pc with XA START (MySQL; see StartsXA).
func Begin(ctx context.Context, pc *registry.Conn, b Branch) error {
	_, err := pc.Exec(ctx, "XA START "+b.xid(), nil, false)
	return err
}

// Prepare prepares the open transaction of branch b on pc: PREPARE
// TRANSACTION ends it on PostgreSQL; XA END and XA PREPARE on MySQL.
func Prepare(ctx context.Context, d dialect.Dialect, pc *registry.Conn, b Branch) error {
	if d == dialect.Postgres {
		_, err := pc.Exec(ctx, "PREPARE TRANSACTION '"+b.gid()+"'", nil, false)
		return err
	}
	if _, err := pc.Exec(ctx, "XA END "+b.xid(), nil, false); err != nil {
		return err
	}
	_, err := pc.Exec(ctx, "XA PREPARE "+b.xid(), nil, false)
	return err
}

// CommitPrepared commits the prepared branch b, from any connection to its
// server.
func CommitPrepared(ctx context.Context, d dialect.Dialect, pc *registry.Conn, b Branch) error {
	q := "XA COMMIT " + b.xid()
	if d == dialect.Postgres {
		q = "COMMIT PREPARED '" + b.gid() + "'"
	}
	_, err := pc.Exec(ctx, q, nil, false)
	return err
}

// RollbackPrepared rolls the prepared branch b back.
func RollbackPrepared(ctx context.Context, d dialect.Dialect, pc *registry.Conn, b Branch) error {
	q := "XA ROLLBACK " + b.xid()
	if d == dialect.Postgres {
		q = "ROLLBACK PREPARED '" + b.gid() + "'"
	}
	_, err := pc.Exec(ctx, q, nil, false)
	return err
}

// CommitOnePhase commits an XA branch that was never prepared (the only
// writer, or a reader): XA END, then XA COMMIT .. ONE PHASE.
func CommitOnePhase(ctx context.Context, pc *registry.Conn, b Branch) error {
	if _, err := pc.Exec(ctx, "XA END "+b.xid(), nil, false); err != nil {
		return err
	}
	_, err := pc.Exec(ctx, "XA COMMIT "+b.xid()+" ONE PHASE", nil, false)
	return err
}

// RollbackActive rolls back an XA branch that was not prepared, ended or
// not.
func RollbackActive(ctx context.Context, pc *registry.Conn, b Branch) error {
	_, _ = pc.Exec(ctx, "XA END "+b.xid(), nil, false) // fails harmlessly when already ended
	_, err := pc.Exec(ctx, "XA ROLLBACK "+b.xid(), nil, false)
	return err
}

// Prepared lists the Grant branches prepared on the server of pc whose
// database is db: old holds those prepared at least minAge ago, young the
// others, which a live coordinator may still be finishing. MySQL's XA
// RECOVER tells no age: every branch there is old.
func Prepared(ctx context.Context, d dialect.Dialect, pc *registry.Conn, db string, minAge time.Duration) (old, young []Branch, err error) {
	q := "XA RECOVER" // formatID, gtrid_length, bqual_length, data
	if d == dialect.Postgres {
		q = "SELECT gid, prepared <= now() - interval '" + strconv.Itoa(int(minAge.Milliseconds())) + " milliseconds'" +
			" FROM pg_prepared_xacts WHERE gid LIKE 'grant:%' AND database = current_database()"
	}
	rows, st, err := pc.Query(ctx, q, nil, false)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		rows.Close()
		if st != nil {
			st.Close()
		}
	}()
	row := make([]driver.Value, len(rows.Columns()))
	for {
		if err := rows.Next(row); err == io.EOF {
			return old, young, nil
		} else if err != nil {
			return nil, nil, err
		}
		var b Branch
		ok, isOld := false, true
		if d == dialect.Postgres && len(row) == 2 {
			b, ok = parseGID(text(row[0]))
			isOld, _ = row[1].(bool)
		} else if len(row) == 4 {
			b, ok = parseXID(text(row[1]), text(row[2]), text(row[3]))
		}
		switch {
		case !ok || b.Database != db:
		case isOld:
			old = append(old, b)
		default:
			young = append(young, b)
		}
	}
}

// parseXID reads a row of XA RECOVER: the lengths of gtrid and bqual, and
// data, gtrid then bqual.
func parseXID(gtridLen, bqualLen, data string) (Branch, bool) {
	g, err1 := strconv.Atoi(gtridLen)
	q, err2 := strconv.Atoi(bqualLen)
	if err1 != nil || err2 != nil || g < 0 || q <= 0 || g+q != len(data) {
		return Branch{}, false
	}
	id, ok := Parse(data[:g])
	return Branch{ID: id, Database: data[g:]}, ok
}

// one runs q and returns its single value as text.
func one(ctx context.Context, pc *registry.Conn, q string, args ...driver.NamedValue) (string, error) {
	return pc.QueryString(ctx, q, args...)
}

func text(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}
