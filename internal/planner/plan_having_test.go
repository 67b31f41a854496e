package planner

import (
	"testing"
)

// TestGoldenHaving checks the plans of HAVING and of expressions over
// aggregates across shards (evaluated once per merged group, and what stays
// refused) in testdata/having/<dialect>.txt, planned with the test
// catalog: each case is "### name", the SQL, optional "args: [JSON]",
// "---", then the first shard's SQL and the merge spec as JSON, or
// "error: ...".
func TestGoldenHaving(t *testing.T) {
	goldenDir(t, "having", "TestGoldenHaving", newTestPlanner, renderCollationCase)
}
