package planner

import (
	"testing"
)

// TestGoldenMerged checks the plans of aggregates merged across shards
// (COUNT, SUM and AVG(DISTINCT x) by value, and what stays refused) in
// testdata/merged/<dialect>.txt, planned with the test catalog: each case
// is "### name", the SQL, optional "args: [JSON]", "---", then the first
// shard's SQL and the merge spec as JSON, or "error: ...".
func TestGoldenMerged(t *testing.T) {
	goldenDir(t, "merged", "TestGoldenMerged", newTestPlanner, renderCollationCase)
}
