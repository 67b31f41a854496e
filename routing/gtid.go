package routing

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// GTID is one MariaDB global transaction id, domain-server-sequence.
// Within a replication domain the sequence numbers only grow, so positions
// compare by sequence per domain; the server id is kept for display.
type GTID struct {
	Domain uint32
	Server uint32
	Seq    uint64
}

// String returns the GTID as MariaDB prints it ("0-1-42").
func (g GTID) String() string {
	return strconv.FormatUint(uint64(g.Domain), 10) + "-" + strconv.FormatUint(uint64(g.Server), 10) + "-" + strconv.FormatUint(g.Seq, 10)
}

// GTIDSet is a MariaDB replication position (@@gtid_binlog_pos,
// @@gtid_slave_pos, @@last_gtid): at most one GTID per domain, sorted by
// domain. A GTIDSet is never modified once built.
type GTIDSet []GTID

// maxGTIDDomains bounds the domains a parsed position may name.
const maxGTIDDomains = 256

// ParseGTIDSet parses a comma-separated list of GTIDs ("0-1-42,1-2-7",
// spaces and newlines around commas allowed). When a domain appears more
// than once, its highest sequence number is kept. The empty string is the
// empty position.
func ParseGTIDSet(s string) (GTIDSet, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var out GTIDSet
	for part := range strings.SplitSeq(s, ",") {
		g, err := parseGTID(strings.TrimSpace(part))
		if err != nil {
			return nil, fmt.Errorf("invalid GTID position %q: %w", s, err)
		}
		out = out.with(g)
		if len(out) > maxGTIDDomains {
			return nil, fmt.Errorf("invalid GTID position: more than %d domains", maxGTIDDomains)
		}
	}
	return out, nil
}

func parseGTID(s string) (GTID, error) {
	d, rest, ok1 := strings.Cut(s, "-")
	sv, seq, ok2 := strings.Cut(rest, "-")
	if !ok1 || !ok2 {
		return GTID{}, fmt.Errorf("%q is not domain-server-sequence", s)
	}
	dv, err1 := parseUint(d, 32)
	svv, err2 := parseUint(sv, 32)
	qv, err3 := parseUint(seq, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return GTID{}, fmt.Errorf("%q is not domain-server-sequence (unsigned decimal numbers)", s)
	}
	return GTID{Domain: uint32(dv), Server: uint32(svv), Seq: qv}, nil
}

func parseUint(s string, bits int) (uint64, error) {
	if s == "" || s[0] == '+' || s[0] == '-' {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseUint(s, 10, bits)
}

// with returns the set with g added (a new slice when it changes).
func (s GTIDSet) with(g GTID) GTIDSet {
	i, found := slices.BinarySearchFunc(s, g.Domain, func(x GTID, d uint32) int { return cmpU32(x.Domain, d) })
	if found {
		if s[i].Seq >= g.Seq {
			return s
		}
		out := slices.Clone(s)
		out[i] = g
		return out
	}
	out := make(GTIDSet, 0, len(s)+1)
	out = append(out, s[:i]...)
	out = append(out, g)
	return append(out, s[i:]...)
}

func cmpU32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Covers reports whether a replica at position s has replayed req: for
// every domain of req, s holds that domain with a sequence at least as high.
func (s GTIDSet) Covers(req GTIDSet) bool {
	i := 0
	for _, r := range req {
		for i < len(s) && s[i].Domain < r.Domain {
			i++
		}
		if i == len(s) || s[i].Domain != r.Domain || s[i].Seq < r.Seq {
			return false
		}
	}
	return true
}

// Merge returns the per-domain maximum of s and t.
func (s GTIDSet) Merge(t GTIDSet) GTIDSet {
	out := s
	for _, g := range t {
		out = out.with(g)
	}
	return out
}

// String returns the set as MariaDB prints it ("0-1-42,1-2-7").
func (s GTIDSet) String() string {
	var b strings.Builder
	for i, g := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(g.String())
	}
	return b.String()
}
