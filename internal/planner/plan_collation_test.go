package planner

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/merge"
)

// memCatalog is a Catalog held in maps: "table.column" and collation names,
// lower case.
type memCatalog struct {
	columns    map[string]TextOrder
	collations map[string]TextOrder
	def        TextOrder
}

func (c memCatalog) Column(_, table, column string) (TextOrder, bool) {
	o, ok := c.columns[strings.ToLower(table+"."+column)]
	return o, ok
}

func (c memCatalog) Collation(name string) (TextOrder, bool) {
	o, ok := c.collations[strings.ToLower(name)]
	return o, ok
}

func (c memCatalog) Default() TextOrder { return c.def }

// testCatalogs are the catalogs of the collation golden plans: orders.name
// in a linguistic collation, orders.code in a byte order, orders.status in
// the default, numbers for id, customer_id and total.
var testCatalogs = map[dialect.Dialect]memCatalog{
	dialect.Postgres: func() memCatalog {
		icu := TextOrder{Text: true, Name: "und-x-icu", Collation: merge.ServerCollation(`"und-x-icu"`)}
		c := TextOrder{Text: true, Name: "C", Collation: merge.CollationBinary}
		def := TextOrder{Text: true, Name: "en_US.utf8", Collation: merge.ServerCollation(`"default"`)}
		return memCatalog{
			columns: map[string]TextOrder{"orders.name": icu, "orders.code": c, "orders.status": def, "orders.note": def,
				"orders.id": {}, "orders.customer_id": {}, "orders.total": {},
				"orders.tag": {Text: true, Name: "nd", Refuse: `collation "nd" is nondeterministic: equal text may differ in bytes, which the merge cannot group`}},
			collations: map[string]TextOrder{"c": c, "und-x-icu": icu},
			def:        def,
		}
	}(),
	dialect.MySQL: func() memCatalog {
		ci := TextOrder{Text: true, Name: "utf8mb4_general_ci", Pad: "0020"}
		bin := TextOrder{Text: true, Name: "utf8mb4_bin", Collation: merge.CollationBinaryPad}
		return memCatalog{
			columns: map[string]TextOrder{"orders.name": ci, "orders.code": bin, "orders.status": ci, "orders.note": ci,
				"orders.size": {Text: true, Name: "utf8mb4_general_ci", Pad: "0020", Index: true},
				"orders.id":   {}, "orders.customer_id": {}, "orders.total": {}},
			collations: map[string]TextOrder{"utf8mb4_bin": bin, "utf8mb4_general_ci": ci},
			def:        ci,
		}
	}(),
	dialect.SQLite: func() memCatalog {
		bin := TextOrder{Text: true, Name: "BINARY", Collation: merge.CollationBinary}
		nocase := TextOrder{Text: true, Name: "NOCASE", Collation: merge.CollationASCIINoCase}
		rtrim := TextOrder{Text: true, Name: "RTRIM", Collation: merge.CollationRTrim}
		return memCatalog{
			columns: map[string]TextOrder{"orders.name": nocase, "orders.code": rtrim, "orders.status": bin, "orders.note": bin,
				"orders.id": {}, "orders.customer_id": {}, "orders.total": {}},
			collations: map[string]TextOrder{"binary": bin, "nocase": nocase, "rtrim": rtrim},
			def:        bin,
		}
	}(),
}

// The collation golden files hold cases "### name", the SQL, "---", then
// the first shard's SQL and the merge spec, or the error.
func TestCollationPlans(t *testing.T) {
	goldenDir(t, "collation", "TestCollationPlans", newTestPlanner, renderCollationCase)
}

func renderCollationCase(t *testing.T, p *Planner, d dialect.Dialect, c goldenCase) string {
	st := analyze.Analyze(d, c.sql)
	args := parseArgs(t, c.args)
	pl, err := p.Plan(bg, st, args, Options{Catalog: testCatalogs[d]})
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	if pl.Merge == nil {
		return "no merge: " + pl.Shards[0].SQL + "\n"
	}
	checkPlan(t, p, pl, args)
	b, err := json.Marshal(pl.Merge)
	require.NoError(t, err)
	return pl.Shards[0].SQL + "\n" + string(b) + "\n"
}

// Without a catalog the plans are those of the configured collations.
func TestNoCatalogKeepsConfiguredCollations(t *testing.T) {
	p := newTestPlanner(t, dialect.MySQL)
	st := analyze.Analyze(dialect.MySQL, "SELECT id, name FROM orders ORDER BY name")
	pl, err := p.Plan(bg, st, nil, Options{})
	require.NoError(t, err)
	assert.Empty(t, pl.Merge.Weights)
	assert.NotContains(t, pl.Shards[0].SQL, "WEIGHT_STRING")
}

func TestCatalogTables(t *testing.T) {
	p := newTestPlanner(t, dialect.Postgres)
	tables := p.CatalogTables(analyze.Analyze(dialect.Postgres, "SELECT o.id FROM orders o JOIN countries c ON c.code = o.country ORDER BY c.name"))
	require.Len(t, tables, 2)
	assert.Equal(t, "orders", tables[0].Name)
	assert.Equal(t, planDatabases, tables[0].Databases)
	assert.Equal(t, "countries", tables[1].Name)
	assert.Nil(t, p.CatalogTables(analyze.Analyze(dialect.Postgres, "SELECT id FROM orders WHERE customer_id = 1")))
	assert.Nil(t, p.CatalogTables(analyze.Analyze(dialect.Postgres, "INSERT INTO orders (id) VALUES (1)")))
}
