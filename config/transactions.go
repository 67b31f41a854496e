package config

import (
	"errors"
	"time"

	"github.com/grantsql/grant/locking/lockcfg"
)

// Transactions configures transactions that write to several databases.
//
//	transactions:
//	  cross_shard: two_phase     # two_phase | refuse
//	  recovery_interval: 10s     # 0: no background recovery
type Transactions struct {
	// CrossShard is what a transaction (or one statement) that writes to
	// several databases does: CrossShardTwoPhase commits it with two-phase
	// commit where every database supports it (PostgreSQL with
	// max_prepared_transactions > 0, MySQL/MariaDB XA); CrossShardRefuse
	// refuses a transaction's second writing database before it runs.
	CrossShard string `yaml:"cross_shard,omitempty" json:"cross_shard,omitempty"`
	// RecoveryInterval is how often every Connector resolves two-phase
	// transactions left in doubt by a process that died; 0 turns the
	// background recovery off (grant recover still runs it).
	RecoveryInterval *Duration `yaml:"recovery_interval,omitempty" json:"recovery_interval,omitempty"`
}

// The cross_shard settings.
const (
	CrossShardTwoPhase = "two_phase"
	CrossShardRefuse   = "refuse"
)

// DefaultRecoveryInterval is the recovery interval when none is given.
const DefaultRecoveryInterval = 10 * time.Second

// Recovery returns the effective recovery interval (0: off).
func (t Transactions) Recovery() time.Duration {
	if t.RecoveryInterval == nil {
		return DefaultRecoveryInterval
	}
	return t.RecoveryInterval.D()
}

// DefaultVersionColumn is every table's optimistic-locking version column
// when the configuration has no locking section.
const DefaultVersionColumn = "lock_version"

// validateTransactions checks and defaults the transactions and locking
// sections.
func (c *Cluster) validateTransactions(errs *collector) {
	switch c.Transactions.CrossShard {
	case "":
		c.Transactions.CrossShard = CrossShardTwoPhase
	case CrossShardTwoPhase, CrossShardRefuse:
	default:
		errs.add("transactions.cross_shard", "unknown setting: want two_phase or refuse")
	}
	if r := c.Transactions.RecoveryInterval; r != nil && r.D() < 0 {
		errs.add("transactions.recovery_interval", "must not be negative")
	}
	if c.Locking == nil {
		// Rails' convention: every table's version column is lock_version.
		c.Locking = &lockcfg.Config{VersionColumn: DefaultVersionColumn}
	}
	if c.Locking != nil {
		for _, err := range c.Locking.Validate("locking") {
			var ce *lockcfg.ConfigError
			if errors.As(err, &ce) {
				errs.wrap(ce.Path, errors.New(ce.Message))
				continue
			}
			errs.wrap("locking", err)
		}
	}
}
