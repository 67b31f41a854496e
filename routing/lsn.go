package routing

import (
	"fmt"
	"strconv"
	"strings"
)

// LSN is a PostgreSQL write-ahead log position (pg_lsn), a byte offset in
// the WAL written "X/Y": the high and low 32 bits in hexadecimal.
type LSN uint64

// ParseLSN parses PostgreSQL's "X/Y" text form of an LSN.
func ParseLSN(s string) (LSN, error) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, fmt.Errorf("invalid LSN %q: want hexadecimal X/Y, e.g. 0/16B3748", s)
	}
	h, err1 := parseHex32(hi)
	l, err2 := parseHex32(lo)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("invalid LSN %q: want hexadecimal X/Y, e.g. 0/16B3748", s)
	}
	return LSN(h<<32 | l), nil
}

func parseHex32(s string) (uint64, error) {
	if s == "" || len(s) > 8 || s[0] == '+' || s[0] == '-' {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseUint(s, 16, 32)
}

// String returns the LSN as PostgreSQL prints it ("0/16B3748").
func (l LSN) String() string {
	return strings.ToUpper(strconv.FormatUint(uint64(l)>>32, 16) + "/" + strconv.FormatUint(uint64(l)&0xFFFFFFFF, 16))
}

// The sizes of a WAL page header: every page starts with a short header, the
// first page of a segment with a long one.
const (
	walShortPageHeader = 24
	walLongPageHeader  = 40
)

// walInsertEnd turns the WAL insert position (pg_current_wal_insert_lsn) into
// the end of the last record inserted, which is what a replica's
// pg_last_wal_replay_lsn reaches once it has replayed that record.
//
// The two differ only when the last record ended exactly at a page
// boundary: the insert position then points past the next page's header,
// where the next record will go, and a replica that has replayed everything
// stays at the boundary. No record ends inside the first 24 bytes after a
// page header (a record is at least 24 bytes), so moving a position that
// lies within a header's length past a page start back to that page start
// never moves it before the end of a record it covers.
func walInsertEnd(l LSN, blockSize uint64) LSN {
	if blockSize == 0 {
		return l
	}
	off := uint64(l) % blockSize
	if off == walShortPageHeader || off == walLongPageHeader {
		return l - LSN(off)
	}
	return l
}
