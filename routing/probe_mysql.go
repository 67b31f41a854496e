package routing

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/grantsql/grant/registry"
)

// MySQL server error numbers the probes recognise.
const (
	errParse          = 1064 // syntax error: SHOW REPLICA STATUS before MariaDB 10.5 / MySQL 8.0.22
	errUnknownSysVar  = 1193 // @@gtid_slave_pos on MySQL
	errSpecificAccess = 1227 // missing SLAVE MONITOR / REPLICATION CLIENT
)

// measureMySQL measures one MariaDB (or MySQL) replica: SHOW REPLICA STATUS
// (SHOW SLAVE STATUS on older servers) for the replication threads and
// Seconds_Behind_Master, then @@gtid_slave_pos for the replayed position.
// The user needs the SLAVE MONITOR privilege (REPLICATION CLIENT before
// MariaDB 10.5). An empty status means the server is not a replica; a NULL
// Seconds_Behind_Master means replication is broken.
func measureMySQL(ctx context.Context, n *registry.Node) (Measurement, error) {
	conn, err := n.DB.Conn(ctx)
	if err != nil {
		return Measurement{}, n.Wrap(err)
	}
	defer conn.Close()
	status, err := replicaStatus(ctx, conn, "SHOW REPLICA STATUS")
	if isMySQLError(err, errParse) {
		status, err = replicaStatus(ctx, conn, "SHOW SLAVE STATUS")
	}
	if isMySQLError(err, errSpecificAccess) {
		return Measurement{}, n.Wrap(errors.New("measuring replica lag needs the SLAVE MONITOR privilege (REPLICATION CLIENT on older servers): " + err.Error()))
	}
	if err != nil {
		return Measurement{}, n.Wrap(err)
	}
	if status == nil {
		return Measurement{Status: StatusNotReplica, Detail: "SHOW REPLICA STATUS is empty: the server is not a replica"}, nil
	}
	behind := status.get("seconds_behind_master", "seconds_behind_source")
	if !behind.Valid {
		return Measurement{Status: StatusBroken, Detail: brokenDetail(status)}, nil
	}
	secs, err := strconv.ParseFloat(behind.String, 64)
	if err != nil {
		return Measurement{}, n.Wrap(errors.New("unreadable Seconds_Behind_Master " + strconv.Quote(behind.String)))
	}
	m := Measurement{Status: StatusReplicating, Lag: time.Duration(secs * float64(time.Second)), LagKnown: true, CaughtUp: secs == 0}
	var pos string
	err = conn.QueryRowContext(ctx, "SELECT @@gtid_slave_pos").Scan(&pos)
	switch {
	case isMySQLError(err, errUnknownSysVar):
		m.Detail = "no @@gtid_slave_pos (not MariaDB): position unknown"
	case err != nil:
		return Measurement{}, n.Wrap(err)
	default:
		set, err := ParseGTIDSet(pos)
		if err != nil {
			return Measurement{}, n.Wrap(err)
		}
		m.Position = GTIDPosition(set)
	}
	return m, nil
}

// statusRow is one row of SHOW REPLICA STATUS by lower-case column name.
type statusRow map[string]sql.NullString

func (r statusRow) get(names ...string) sql.NullString {
	for _, n := range names {
		if v, ok := r[n]; ok {
			return v
		}
	}
	return sql.NullString{}
}

// replicaStatus runs q and returns its first row, or nil when it has none.
func replicaStatus(ctx context.Context, conn *sql.Conn, q string) (statusRow, error) {
	rows, err := conn.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	if !rows.Next() {
		return nil, rows.Err()
	}
	vals := make([]sql.NullString, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return nil, err
	}
	row := make(statusRow, len(cols))
	for i, c := range cols {
		row[strings.ToLower(c)] = vals[i]
	}
	return row, rows.Close()
}

// brokenDetail says why replication is broken, from the status row.
func brokenDetail(r statusRow) string {
	io := r.get("slave_io_running", "replica_io_running").String
	sqlRun := r.get("slave_sql_running", "replica_sql_running").String
	s := "replication broken: IO thread " + io + ", SQL thread " + sqlRun
	for _, k := range []string{"last_io_error", "last_sql_error"} {
		if e := r.get(k).String; e != "" {
			s += "; " + e
		}
	}
	return s
}

func isMySQLError(err error, number uint16) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == number
}

// positionMySQL reads the GTID of the last transaction the connection dc
// wrote to the binary log (@@last_gtid, exact and per session). It returns
// the zero Position when the connection has logged nothing, or on MySQL,
// which has no @@last_gtid.
func positionMySQL(ctx context.Context, dc driver.Conn) (Position, error) {
	row, err := queryRow(ctx, dc, "SELECT @@last_gtid", 1)
	if err != nil {
		if isMySQLError(err, errUnknownSysVar) {
			return Position{}, nil
		}
		return Position{}, err
	}
	set, err := ParseGTIDSet(text(row[0]))
	if err != nil {
		return Position{}, err
	}
	return GTIDPosition(set), nil
}
