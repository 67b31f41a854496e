// Package twopc is the protocol of Grant's two-phase commit, per dialect:
// transaction ids, PREPARE TRANSACTION / XA statements, the decision record
// and what recovery reads. The executor (internal/engine) drives it; every
// statement runs on a registry.Conn.
//
// A distributed transaction is committed by writing a decision row, in the
// local transaction of one participant (the coordinator database), after
// every other participant has prepared; that commit is the commit point.
// Ids name the coordinator database, so any process holding the
// configuration can find the decision of a branch left prepared.
package twopc

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
)

// Prefix starts every Grant transaction id.
const Prefix = "grant:"

// ID names one distributed transaction: "grant:<coordinator>:<nonce>".
type ID struct {
	Coordinator string // the database holding the decision row
	Nonce       string // 32 hex digits
}

// NewID returns a fresh id whose decision lives in coordinator.
func NewID(coordinator string) ID {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return ID{Coordinator: coordinator, Nonce: hex.EncodeToString(b[:])}
}

// String returns the id as stored in the decision table.
func (id ID) String() string { return Prefix + id.Coordinator + ":" + id.Nonce }

// Parse reads an id written by String.
func Parse(s string) (ID, bool) {
	rest, ok := strings.CutPrefix(s, Prefix)
	if !ok {
		return ID{}, false
	}
	coord, nonce, ok := strings.Cut(rest, ":")
	if !ok || coord == "" || len(nonce) != 32 || strings.Trim(nonce, "0123456789abcdef") != "" {
		return ID{}, false
	}
	return ID{Coordinator: coord, Nonce: nonce}, true
}

// Branch is one database's part of a distributed transaction.
type Branch struct {
	ID       ID
	Database string
}

// gid is the branch's PostgreSQL gid: unique on the server, where several
// databases of one transaction may live.
func (b Branch) gid() string { return b.ID.String() + ":" + b.Database }

// xid is the branch's MySQL XA xid: 'gtrid','bqual'.
func (b Branch) xid() string { return "'" + b.ID.String() + "','" + b.Database + "'" }

// parseGID reads a PostgreSQL gid written by gid.
func parseGID(s string) (Branch, bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return Branch{}, false
	}
	id, ok := Parse(s[:i])
	return Branch{ID: id, Database: s[i+1:]}, ok && s[i+1:] != ""
}
