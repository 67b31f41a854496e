package lockcfg_test

import (
	"fmt"

	"github.com/grantsql/grant/locking/lockcfg"
)

// ColumnFor picks a table's own version column, else the default.
func ExampleConfig_ColumnFor() {
	c := lockcfg.Config{
		VersionColumn:  "lock_version",
		VersionColumns: map[string]string{"accounts": "version", "audit.events": "row_version"},
	}
	fmt.Println(c.ColumnFor("", "accounts"))
	fmt.Println(c.ColumnFor("audit", "events"))
	fmt.Println(c.ColumnFor("", "orders"))
	// Output:
	// version
	// row_version
	// lock_version
}
