package routing

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"time"

	"github.com/grantsql/grant/registry"
)

// pgMeasureSQL measures a PostgreSQL replica in one round trip: whether it
// is in recovery, its replayed LSN, whether it has replayed all it received
// while its WAL receiver streams (caught up: lag 0 however long the primary
// has been idle), and the age of the last replayed transaction. Reading
// pg_stat_wal_receiver's status needs pg_read_all_stats (pg_monitor); without
// it a running WAL receiver counts as streaming.
const pgMeasureSQL = `SELECT pg_is_in_recovery(),
 COALESCE(pg_last_wal_replay_lsn()::text, ''),
 COALESCE(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false),
 COALESCE((SELECT status IS NULL OR status = 'streaming' FROM pg_stat_wal_receiver LIMIT 1), false),
 EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8`

// measurePostgres measures one PostgreSQL replica.
//
// When the replica has not replayed everything it received, its lag is the
// age of the last replayed transaction. That age over-states the lag when
// the primary had been idle before the pending WAL arrived; State.Record
// bounds it by the time since the replica was last seen caught up. While
// replay is paused (pg_wal_replay_pause) with WAL pending, the lag grows.
func measurePostgres(ctx context.Context, n *registry.Node) (Measurement, error) {
	var (
		inRecovery, caughtUp, streaming bool
		replay                          string
		age                             sql.NullFloat64
	)
	err := n.DB.QueryRowContext(ctx, pgMeasureSQL).Scan(&inRecovery, &replay, &caughtUp, &streaming, &age)
	if err != nil {
		return Measurement{}, n.Wrap(err)
	}
	if !inRecovery {
		return Measurement{Status: StatusNotReplica, Detail: "pg_is_in_recovery() is false: the server is not a standby"}, nil
	}
	m := Measurement{Status: StatusReplicating}
	if replay != "" {
		l, err := ParseLSN(replay)
		if err != nil {
			return Measurement{}, fmt.Errorf("grant: node %s: pg_last_wal_replay_lsn: %w", n.Name, err)
		}
		m.Position = LSNPosition(l)
	}
	switch {
	case caughtUp && streaming:
		m.CaughtUp, m.LagKnown = true, true
	case age.Valid:
		m.Lag, m.LagKnown, m.ReplayAge = time.Duration(age.Float64*float64(time.Second)), true, true
	default:
		m.ReplayAge = true // unknown, unless bounded by the last catch-up
	}
	if !streaming {
		m.Detail = "WAL receiver not streaming"
	}
	return m, nil
}

// pgPositionSQL reads a PostgreSQL primary's position after a write. After
// a synchronous commit (any synchronous_commit but off) the WAL is flushed
// past the commit record, and the flush LSN is what replicas can receive;
// with synchronous_commit off the commit may not be flushed yet, and only
// the insert LSN is sure to be past it.
const pgPositionSQL = `SELECT pg_current_wal_flush_lsn()::text, pg_current_wal_insert_lsn()::text,
 current_setting('synchronous_commit'), current_setting('wal_block_size')`

// positionPostgres reads the primary's position on dc, the physical
// connection that just wrote.
func positionPostgres(ctx context.Context, dc driver.Conn) (Position, error) {
	row, err := queryRow(ctx, dc, pgPositionSQL, 4)
	if err != nil {
		return Position{}, err
	}
	lsnText := text(row[0])
	if text(row[2]) == "off" {
		lsnText = text(row[1])
	}
	l, err := ParseLSN(lsnText)
	if err != nil {
		return Position{}, err
	}
	block, _ := strconv.ParseUint(text(row[3]), 10, 64)
	return LSNPosition(walInsertEnd(l, block)), nil
}
