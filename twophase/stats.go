package twophase

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInDoubt is matched by the error of a commit whose outcome Grant could
// not learn (the coordinator database failed at the commit point): the
// transaction is committed or rolled back on every database as one, and
// recovery (background, or grant recover) finishes it either way.
var ErrInDoubt = errors.New("grant: two-phase commit outcome unknown; recovery will finish it")

// Stats counts a Connector's two-phase commits.
type Stats struct {
	// Committed and RolledBack count distributed transactions that ended
	// so; a commit is counted once its decision is durable.
	Committed  int64 `json:"committed"`
	RolledBack int64 `json:"rolled_back"`
	// Unfinished counts branches whose COMMIT PREPARED failed after the
	// commit point: committed by decision, finished by recovery.
	Unfinished int64 `json:"unfinished"`
	// Recovered counts branches recovery committed or rolled back.
	Recovered int64 `json:"recovered"`
}

// Report is what one recovery pass did.
type Report struct {
	// Committed and RolledBack name the branches it finished, as
	// "database: id".
	Committed  []string `json:"committed,omitempty"`
	RolledBack []string `json:"rolled_back,omitempty"`
	// Pending names branches it could not finish yet (their coordinator is
	// still deciding, or a server did not answer), with why.
	Pending []string `json:"pending,omitempty"`
	// Forgotten counts decision rows removed once every branch of their
	// transaction was finished.
	Forgotten int `json:"forgotten"`
}

// Done reports whether nothing is left in doubt.
func (r *Report) Done() bool { return len(r.Pending) == 0 }

// String summarizes the report, one line per branch.
func (r *Report) String() string {
	var b strings.Builder
	for _, s := range r.Committed {
		fmt.Fprintf(&b, "committed   %s\n", s)
	}
	for _, s := range r.RolledBack {
		fmt.Fprintf(&b, "rolled back %s\n", s)
	}
	for _, s := range r.Pending {
		fmt.Fprintf(&b, "pending     %s\n", s)
	}
	fmt.Fprintf(&b, "%d committed, %d rolled back, %d pending, %d decisions removed\n",
		len(r.Committed), len(r.RolledBack), len(r.Pending), r.Forgotten)
	return b.String()
}
