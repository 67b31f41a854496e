package engine

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/grantsql/grant/internal/planner"
	"github.com/grantsql/grant/merge"
)

// mysqlCatalog reads MySQL's and MariaDB's information_schema. Text merges
// on the server's weights (WEIGHT_STRING) in every collation; what the
// catalog adds is which columns are text, ENUM or SET, the weight of a
// space of PAD SPACE collations, and the collations whose order is the
// bytes' (the *_bin of UTF-8 and Latin-1), which need no weights.
type mysqlCatalog struct {
	e     *Engine
	known map[string]planner.TextOrder // by lower-case collation name
}

// mysqlName is what a collation or character set name may hold: it is
// written into SQL.
var mysqlName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// mysqlByteOrder maps the collations whose order is the UTF-8 bytes' to
// the merge collation that reproduces them.
var mysqlByteOrder = map[string]merge.Collation{
	"utf8mb4_bin": merge.CollationBinaryPad, "utf8mb3_bin": merge.CollationBinaryPad, "utf8_bin": merge.CollationBinaryPad,
	"latin1_bin": merge.CollationBinaryPad, "ascii_bin": merge.CollationBinaryPad,
	"utf8mb4_nopad_bin": merge.CollationBinary, "utf8mb3_nopad_bin": merge.CollationBinary, "utf8_nopad_bin": merge.CollationBinary,
	"latin1_nopad_bin": merge.CollationBinary, "ascii_nopad_bin": merge.CollationBinary, "utf8mb4_0900_bin": merge.CollationBinary,
}

func (m *mysqlCatalog) defaults(ctx context.Context) (planner.TextOrder, error) {
	rows, err := m.e.textCatalogRows(ctx, m.e.reg.Default().Name, "SELECT @@character_set_connection, @@collation_connection")
	if err != nil || len(rows) != 1 {
		return planner.TextOrder{}, fmt.Errorf("grant: reading the connection collation: %v", err)
	}
	return m.order(ctx, fmt.Sprint(rows[0][0]), fmt.Sprint(rows[0][1]))
}

func (m *mysqlCatalog) collations(ctx context.Context, names []string) (map[string]planner.TextOrder, error) {
	out := map[string]planner.TextOrder{}
	for _, n := range names {
		cs, _, _ := strings.Cut(n, "_")
		o, err := m.order(ctx, cs, n)
		if err != nil {
			return nil, err
		}
		out[n] = o
	}
	return out, nil
}

// mysqlColumnsQuery lists a table's columns with their types and collations.
const mysqlColumnsQuery = `SELECT COLUMN_NAME, DATA_TYPE, COALESCE(CHARACTER_SET_NAME, ''), COALESCE(COLLATION_NAME, '')
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) AND TABLE_NAME = ?`

func (m *mysqlCatalog) table(ctx context.Context, t planner.CatalogTable) (map[string]planner.TextOrder, error) {
	var per []map[string]planner.TextOrder
	for _, db := range t.Databases {
		rows, err := m.e.textCatalogRows(ctx, db, mysqlColumnsQuery, t.Schema, t.Name)
		if err != nil {
			return nil, err
		}
		cols := map[string]planner.TextOrder{}
		for _, r := range rows {
			name, typ, cs, coll := strings.ToLower(fmt.Sprint(r[0])), strings.ToLower(fmt.Sprint(r[1])), fmt.Sprint(r[2]), fmt.Sprint(r[3])
			if coll == "" {
				cols[name] = planner.TextOrder{}
				continue
			}
			o, err := m.order(ctx, cs, coll)
			if err != nil {
				return nil, err
			}
			if typ == "enum" || typ == "set" {
				o.Index, o.Collation = true, merge.CollationDefault
			}
			cols[name] = o
		}
		per = append(per, cols)
	}
	return agreeingOrders(t, per), nil
}

// order is how text in collation coll of character set cs compares.
func (m *mysqlCatalog) order(ctx context.Context, cs, coll string) (planner.TextOrder, error) {
	key := strings.ToLower(coll)
	if o, ok := m.known[key]; ok {
		return o, nil
	}
	o := planner.TextOrder{Text: true, Name: coll}
	switch {
	case !mysqlName.MatchString(cs) || !mysqlName.MatchString(coll):
		o.Refuse = fmt.Sprintf("collation %q is not a name Grant can query", coll)
	case mysqlByteOrder[key] != "":
		o.Collation = mysqlByteOrder[key]
	default:
		q := fmt.Sprintf("SELECT HEX(WEIGHT_STRING(CONVERT(' ' USING %[1]s) COLLATE %[2]s)), HEX(WEIGHT_STRING(CONVERT('  ' USING %[1]s) COLLATE %[2]s)), "+
			"CONVERT('a' USING %[1]s) COLLATE %[2]s = CONVERT('a ' USING %[1]s) COLLATE %[2]s", cs, coll)
		rows, err := m.e.textCatalogRows(ctx, m.e.reg.Default().Name, q)
		if err != nil {
			return o, fmt.Errorf("grant: reading collation %s: %w", coll, err)
		}
		if len(rows) != 1 {
			return o, fmt.Errorf("grant: reading collation %s: no row", coll)
		}
		one, two, pad := fmt.Sprint(rows[0][0]), fmt.Sprint(rows[0][1]), fmt.Sprint(rows[0][2]) == "1"
		switch {
		case !pad:
		case two != one+one:
			o.Refuse = fmt.Sprintf("collation %s compares trailing spaces as equal (PAD SPACE) on several levels, which its weights do not show; use a NO PAD collation", coll)
		default:
			o.Pad = strings.ToLower(one)
		}
	}
	m.known[key] = o
	return o, nil
}
