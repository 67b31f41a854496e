package routing

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/grantsql/grant/registry"
)

// pgReplaySQL reads a PostgreSQL standby's replayed position (NULL on a
// server not in recovery).
const pgReplaySQL = "SELECT pg_last_wal_replay_lsn()::text"

// errNotStandby is a checked PostgreSQL replica that is not in recovery.
var errNotStandby = errors.New("pg_last_wal_replay_lsn() is NULL: the server is not a standby")

// checkPostgres reads the replayed position of PostgreSQL replica n once:
// PostgreSQL 15 cannot wait for a position on the server, so the caller
// polls.
func checkPostgres(ctx context.Context, n *registry.Node, _ Position, _ time.Duration) (Position, error) {
	var s sql.NullString
	if err := n.DB.QueryRowContext(ctx, pgReplaySQL).Scan(&s); err != nil {
		return Position{}, n.Wrap(err)
	}
	if !s.Valid {
		return Position{}, n.Wrap(errNotStandby)
	}
	l, err := ParseLSN(s.String)
	if err != nil {
		return Position{}, n.Wrap(err)
	}
	return LSNPosition(l), nil
}

// checkMySQL waits up to wait for MariaDB replica n to replay target
// (MASTER_GTID_WAIT returns as soon as it has) and reads its replayed
// position, in one round trip. The GTID list is written by GTIDSet.String
// from numbers alone, and the timeout is a number: the text is safe to
// send as it is, without a prepared statement's extra round trips.
func checkMySQL(ctx context.Context, n *registry.Node, target Position, wait time.Duration) (Position, error) {
	set, ok := target.GTIDs()
	if !ok {
		return Position{}, errors.New("grant: a MariaDB replica is checked for a GTID position")
	}
	q := "SELECT MASTER_GTID_WAIT('" + set.String() + "', " + strconv.FormatFloat(wait.Seconds(), 'f', 6, 64) + "), @@gtid_slave_pos"
	var res sql.NullInt64
	var pos string
	if err := n.DB.QueryRowContext(ctx, q).Scan(&res, &pos); err != nil {
		return Position{}, n.Wrap(err)
	}
	got, err := ParseGTIDSet(pos)
	if err != nil {
		return Position{}, n.Wrap(err)
	}
	return GTIDPosition(got), nil
}
