package fakedb

import (
	"database/sql/driver"
	"strings"
)

// The fake speaks PostgreSQL's two-phase commit: PREPARE TRANSACTION 'gid'
// ends the open transaction and keeps its writes aside, COMMIT PREPARED
// and ROLLBACK PREPARED (from any connection) commit or drop them, and
// SHOW max_prepared_transactions and pg_prepared_xacts answer. Writes of
// Grant's decision table are writes like any other; reading it finds no
// decision.

// twoPhase applies a two-phase statement run with exec; it reports
// whether q was one.
func (d *DB) twoPhase(c *conn, q string) bool {
	gid, verb := preparedGID(q)
	switch verb {
	case "":
		return false
	case "PREPARE TRANSACTION":
		if c.tx != nil {
			d.mu.Lock()
			if d.prepared == nil {
				d.prepared = map[string][]string{}
			}
			d.prepared[gid] = c.tx.pending
			d.mu.Unlock()
			c.tx = nil
		}
	case "COMMIT PREPARED":
		d.mu.Lock()
		stmts, ok := d.prepared[gid]
		delete(d.prepared, gid)
		d.mu.Unlock()
		if ok {
			d.commit(stmts)
		}
	case "ROLLBACK PREPARED":
		d.mu.Lock()
		delete(d.prepared, gid)
		d.mu.Unlock()
	}
	return true
}

// twoPhaseQuery answers the queries of two-phase commit.
func (d *DB) twoPhaseQuery(q string) ([]ResultSet, bool) {
	switch {
	case q == "SHOW max_prepared_transactions":
		return []ResultSet{{Cols: []string{"max_prepared_transactions"}, Rows: [][]driver.Value{{"64"}}}}, true
	case strings.Contains(q, "FROM pg_prepared_xacts"):
		set := ResultSet{Cols: []string{"gid", "old"}} // every branch is old
		for _, gid := range d.Prepared() {
			set.Rows = append(set.Rows, []driver.Value{gid, true})
		}
		return []ResultSet{set}, true
	case strings.HasPrefix(q, "SELECT state FROM grant_twophase WHERE gid = '"):
		gid := strings.TrimSuffix(strings.TrimPrefix(q, "SELECT state FROM grant_twophase WHERE gid = '"), "'")
		set := ResultSet{Cols: []string{"state"}}
		if state := d.decision(gid); state != "" {
			set.Rows = [][]driver.Value{{state}}
		}
		return []ResultSet{set}, true
	case strings.Contains(q, "FROM grant_twophase"):
		return []ResultSet{{Cols: []string{"gid", "state", "participants"}}}, true
	}
	return nil, false
}

// decision returns the state the committed writes of the decision table
// leave for gid: the last INSERT of it, unless a DELETE came after.
func (d *DB) decision(gid string) string {
	state := ""
	for _, q := range d.Committed() {
		switch {
		case strings.HasPrefix(q, "INSERT INTO grant_twophase") && strings.Contains(q, "VALUES ('"+gid+"', '"):
			rest := q[strings.Index(q, "VALUES ('"+gid+"', '")+len("VALUES ('"+gid+"', '"):]
			state = rest[:strings.IndexByte(rest, '\'')]
		case strings.HasPrefix(q, "DELETE FROM grant_twophase WHERE gid ") && strings.Contains(q, "'"+gid+"'"):
			state = ""
		}
	}
	return state
}

// Prepared returns the gids of the transactions prepared and not yet
// committed or rolled back.
func (d *DB) Prepared() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for gid := range d.prepared {
		out = append(out, gid)
	}
	return out
}

// preparedGID reads PREPARE TRANSACTION 'gid', COMMIT PREPARED 'gid' or
// ROLLBACK PREPARED 'gid'.
func preparedGID(q string) (gid, verb string) {
	for _, v := range []string{"PREPARE TRANSACTION", "COMMIT PREPARED", "ROLLBACK PREPARED"} {
		if rest, ok := strings.CutPrefix(q, v+" '"); ok {
			return strings.TrimSuffix(rest, "'"), v
		}
	}
	return "", ""
}
