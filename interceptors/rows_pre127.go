//go:build !go1.27

package interceptors

import "database/sql/driver"

// newRows returns r as database/sql sees it. Before Go 1.27 there is no
// column scanner to offer.
func newRows(r wrappedRows) driver.Rows { return &r }
