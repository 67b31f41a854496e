package merge

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
)

// The collations the merge computes itself besides CollationBinary and
// CollationNoCase. Each reproduces a server's order exactly.
const (
	// CollationBinaryPad compares bytes as if the shorter value were padded
	// with spaces (PAD SPACE): MySQL's and MariaDB's *_bin collations.
	CollationBinaryPad Collation = "binary_pad"
	// CollationASCIINoCase compares bytes with the ASCII letters A-Z folded
	// to lower case: SQLite's NOCASE.
	CollationASCIINoCase Collation = "ascii_nocase"
	// CollationRTrim compares bytes with trailing spaces ignored: SQLite's
	// RTRIM, and PostgreSQL's char(n) in a byte-order collation.
	CollationRTrim Collation = "rtrim"
)

// serverPrefix starts the collations made by ServerCollation.
const serverPrefix = "server:"

// ServerCollation returns the collation a server calls name, whose order
// the merge does not compute itself: PostgreSQL's libc and ICU collations
// other than C. name is written as the server's SQL writes it after COLLATE
// (a quoted identifier, "und-x-icu", possibly schema-qualified).
//
// Text values under it are ordered by ranking them on a server through
// Spec.Ranker, a window of rows at a time; their equality (GROUP BY,
// DISTINCT) is byte equality, which holds for PostgreSQL's deterministic
// collations only: the planner refuses nondeterministic ones. A Spec that
// needs one and has no Ranker fails at Open, before any row is returned.
func ServerCollation(name string) Collation { return Collation(serverPrefix + name) }

// Server returns the server's name of a collation made by ServerCollation.
func (c Collation) Server() (string, bool) {
	return strings.CutPrefix(string(c), serverPrefix)
}

// valid reports whether the merge knows c.
func (c Collation) valid() bool {
	switch c {
	case CollationDefault, CollationBinary, CollationNoCase, CollationBinaryPad, CollationASCIINoCase, CollationRTrim:
		return true
	}
	name, ok := c.Server()
	return ok && name != ""
}

// Weight says that the text values of Column compare as the values of the
// hidden column WeightColumn of the same row: the server's own collation
// weights of the value (MySQL's WEIGHT_STRING(expr)), or a number standing
// for it (the index of a MySQL ENUM value). Ordering, grouping, DISTINCT,
// MIN and MAX of Column then follow the server's collation whatever it is.
// Values of Column that are not text (numbers, times, NULL) compare as
// themselves, as does a row whose weight is NULL.
type Weight struct {
	// Column is the compared column; WeightColumn holds its weights. Both
	// may be given from the end, as Spec.Hidden allows.
	Column       int `json:"column"`
	WeightColumn int `json:"weight_column"`
	// Pad, for a PAD SPACE collation, is the hex of the weight of one space:
	// two weights then compare as if the shorter were padded with it, and
	// trailing spaces do not count for equality. Empty means NO PAD:
	// weights compare as bytes.
	Pad string `json:"pad,omitempty"`
}

// Ranker orders text values as a server's collation does, for the
// collations made by ServerCollation. The executor implements it with a
// query on one of the cluster's servers.
type Ranker interface {
	// Rank returns the rank of each value under the collation: a value the
	// collation sorts first has a smaller rank, and equal values (byte-equal
	// ones, under a deterministic collation) have equal ranks.
	Rank(ctx context.Context, collation string, values []string) ([]int, error)
}

// validateWeights checks the weights of a Spec.
func (s *Spec) validateWeights() error {
	seen := map[int]bool{}
	for _, w := range s.Weights {
		if w.Column < -s.Hidden || w.WeightColumn < -s.Hidden {
			return fmt.Errorf("merge: weight of column %d in column %d is before the %d hidden columns counted from the end", w.Column, w.WeightColumn, s.Hidden)
		}
		if w.Column == w.WeightColumn {
			return fmt.Errorf("merge: column %d is its own weight", w.Column)
		}
		if seen[w.Column] {
			return fmt.Errorf("merge: column %d has two weights", w.Column)
		}
		seen[w.Column] = true
		if _, err := hex.DecodeString(w.Pad); err != nil {
			return fmt.Errorf("merge: weight of column %d: pad %q is not hex", w.Column, w.Pad)
		}
	}
	return nil
}

// serverCollations returns the collations of s that need a Ranker.
func (s *Spec) serverCollations() []string {
	var out []string
	add := func(c Collation) {
		if name, ok := c.Server(); ok {
			out = append(out, name)
		}
	}
	add(s.Collation)
	for _, c := range s.ColumnCollations {
		add(c)
	}
	for _, k := range s.OrderBy {
		add(k.Collation)
	}
	return out
}
