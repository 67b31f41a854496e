package locking

import "github.com/grantsql/grant/locking/lockcfg"

// Config is the `locking:` section of a cluster configuration: the
// optimistic-locking version column of each table (see package lockcfg).
//
//	locking:
//	  version_column: lock_version       # every table's, unless listed below
//	  version_columns:
//	    accounts: version                # this table's
//	    audit.events: row_version        # schema-qualified
type Config = lockcfg.Config

// ConfigError is one invalid setting of a Config at its key path.
type ConfigError = lockcfg.ConfigError

// ErrConfig is matched (errors.Is) by every *ConfigError.
var ErrConfig = lockcfg.ErrConfig
