//go:build !go1.27

package interceptors_test

import "database/sql/driver"

// hasColumnScanner reports whether r implements driver.RowsColumnScanner,
// which exists from Go 1.27.
func hasColumnScanner(driver.Rows) bool { return false }
