package routing

import (
	"fmt"
	"strings"
)

// Position is a point in a primary's replication stream: a PostgreSQL WAL
// LSN or a MariaDB GTID position. The zero Position is "no position". A
// Position is a value and never changes once built.
type Position struct {
	kind posKind
	lsn  LSN
	gtid GTIDSet
}

type posKind uint8

const (
	posNone posKind = iota
	posLSN
	posGTID
)

// LSNPosition returns the position of a PostgreSQL WAL location.
func LSNPosition(l LSN) Position { return Position{kind: posLSN, lsn: l} }

// GTIDPosition returns the position of a MariaDB GTID set; the empty set
// is the zero Position.
func GTIDPosition(s GTIDSet) Position {
	if len(s) == 0 {
		return Position{}
	}
	return Position{kind: posGTID, gtid: s}
}

// IsZero reports whether p is no position.
func (p Position) IsZero() bool { return p.kind == posNone }

// LSN returns the WAL location of a PostgreSQL position.
func (p Position) LSN() (LSN, bool) { return p.lsn, p.kind == posLSN }

// GTIDs returns the GTID set of a MariaDB position.
func (p Position) GTIDs() (GTIDSet, bool) { return p.gtid, p.kind == posGTID }

// Covers reports whether a replica that has replayed up to p has replayed
// req. Every position covers the zero position; positions of different
// kinds never cover each other.
func (p *Position) Covers(req *Position) bool {
	switch req.kind {
	case posNone:
		return true
	case posLSN:
		return p.kind == posLSN && p.lsn >= req.lsn
	case posGTID:
		return p.kind == posGTID && p.gtid.Covers(req.gtid)
	}
	return false
}

// Merge returns the later of p and q: the larger LSN, or the per-domain
// maximum of two GTID sets. Positions of different kinds do not merge; q
// then wins.
func (p Position) Merge(q Position) Position {
	switch {
	case q.kind == posNone:
		return p
	case p.kind != q.kind:
		return q
	case p.kind == posLSN:
		if q.lsn > p.lsn {
			return q
		}
		return p
	}
	return Position{kind: posGTID, gtid: p.gtid.Merge(q.gtid)}
}

// String returns "pg:X/Y" or "gtid:d-s-n,...", the form ParsePosition reads;
// the zero position is "".
func (p Position) String() string {
	switch p.kind {
	case posLSN:
		return "pg:" + p.lsn.String()
	case posGTID:
		return "gtid:" + p.gtid.String()
	}
	return ""
}

// MarshalText writes p as String does.
func (p Position) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// ParsePosition reads the form String writes: "pg:0/16B3748",
// "gtid:0-1-42,1-2-7" or "" (no position).
func ParsePosition(s string) (Position, error) {
	switch {
	case s == "":
		return Position{}, nil
	case strings.HasPrefix(s, "pg:"):
		l, err := ParseLSN(s[3:])
		if err != nil {
			return Position{}, err
		}
		return LSNPosition(l), nil
	case strings.HasPrefix(s, "gtid:"):
		g, err := ParseGTIDSet(s[5:])
		if err != nil {
			return Position{}, err
		}
		if len(g) == 0 {
			return Position{}, fmt.Errorf("invalid position %q: empty GTID set", s)
		}
		return GTIDPosition(g), nil
	}
	return Position{}, fmt.Errorf("invalid position %q: want pg:X/Y or gtid:domain-server-seq,...", s)
}
