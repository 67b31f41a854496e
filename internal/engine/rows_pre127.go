//go:build !go1.27

package engine

import "database/sql/driver"

// view returns the rows as database/sql sees them. Before Go 1.27 there is
// no column scanner to offer.
func (r *rows) view() driver.Rows { return r }
