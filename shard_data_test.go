package grant_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/grantsql/grant/dialect"
)

// shardSchema is the DDL of the sharding tests, in the dialect's types.
func shardSchema(d dialect.Dialect) []string {
	ts, sku := "TIMESTAMP", "VARCHAR(20)"
	if d == dialect.MySQL {
		// A binary collation, as ent gives every MySQL table: case matters.
		ts, sku = "DATETIME", "VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
	}
	return []string{
		"CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, status VARCHAR(20), " +
			"total DECIMAL(12,2), qty INT, score DOUBLE PRECISION, note VARCHAR(40), country VARCHAR(2), created_at " + ts + ")",
		"CREATE INDEX orders_customer ON orders (customer_id)",
		"CREATE TABLE order_items (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, order_id BIGINT NOT NULL, " +
			"sku " + sku + " NOT NULL, qty INT, price DECIMAL(10,2))",
		"CREATE TABLE events (id BIGINT PRIMARY KEY, day INT NOT NULL, kind VARCHAR(20), amount INT)",
		"CREATE TABLE countries (code VARCHAR(2) PRIMARY KEY, name VARCHAR(40) NOT NULL, region VARCHAR(20))",
	}
}

// shardStmt is one statement with ? placeholders (see shardCluster.bind).
type shardStmt struct {
	sql  string
	args []any
}

// decimal is a DECIMAL value, written unquoted as a literal and passed as
// its text as an argument.
type decimal string

// The columns of each table, in INSERT order.
var (
	orderCols   = []string{"id", "customer_id", "status", "total", "qty", "score", "note", "country", "created_at"}
	itemCols    = []string{"id", "customer_id", "order_id", "sku", "qty", "price"}
	eventCols   = []string{"id", "day", "kind", "amount"}
	countryCols = []string{"code", "name", "region"}
)

// shardDataset returns the deterministic data set as INSERT statements: 240
// orders of 30 customers with their items, 150 events over days -5..74 and
// 5 countries. Values repeat (ties), nullable columns hold NULLs, numbers
// go negative, text mixes case (never two values equal but for case, which
// MySQL's collation would make ambiguous). Orders 1..160 go in multi-row
// INSERTs of literals, 161..200 in multi-row INSERTs with placeholders,
// 201..240 one per INSERT with placeholders.
func shardDataset() []shardStmt {
	rng := rand.New(rand.NewPCG(7, 11))
	maybe := func(null int, v any) any { // NULL one time in null
		if rng.IntN(null) == 0 {
			return nil
		}
		return v
	}
	pick := func(vs ...any) any { return vs[rng.IntN(len(vs))] }
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var orders, items, events [][]any
	for id := 1; id <= 240; id++ {
		cust := int64(rng.IntN(30))
		orders = append(orders, []any{int64(id), cust,
			pick("new", "paid", "void", "Shipped", nil),
			maybe(8, decimal(fmt.Sprintf("%.2f", float64(rng.IntN(120)*25-5000)/100))),
			maybe(6, int64(rng.IntN(21)-5)),
			maybe(7, float64(rng.IntN(100)-20)/8),
			pick("Gift", "rush", "Fragile", "express", nil),
			pick("fr", "de", "us", "br", "jp", "xx", nil),
			base.Add(time.Duration(rng.IntN(2000)) * time.Hour),
		})
		for k := range rng.IntN(3) {
			items = append(items, []any{int64(id*10 + k), cust, int64(id),
				pick("A-1", "b-2", "C-7", "d-9"),
				maybe(5, int64(rng.IntN(5))),
				decimal(fmt.Sprintf("%.2f", float64(rng.IntN(400)-40)/4)),
			})
		}
	}
	for id := 1; id <= 150; id++ {
		events = append(events, []any{int64(id), int64(rng.IntN(80) - 5),
			pick("click", "view", "Buy", nil), maybe(6, int64(rng.IntN(200)-50))})
	}
	countries := [][]any{
		{"fr", "France", "Europe"}, {"de", "Germany", "Europe"}, {"us", "United States", "America"},
		{"br", "Brazil", "America"}, {"jp", "Japan", "Asia"},
	}
	var out []shardStmt
	out = append(out, insertLiterals("countries", countryCols, countries))
	for i := 0; i < 160; i += 20 {
		out = append(out, insertLiterals("orders", orderCols, orders[i:i+20]))
	}
	for i := 160; i < 200; i += 5 {
		out = append(out, insertArgs("orders", orderCols, orders[i:i+5]))
	}
	for _, r := range orders[200:] {
		out = append(out, insertArgs("orders", orderCols, [][]any{r}))
	}
	for i := 0; i < len(items); i += 25 {
		out = append(out, insertLiterals("order_items", itemCols, items[i:min(i+25, len(items))]))
	}
	for i := 0; i < 120; i += 30 {
		out = append(out, insertLiterals("events", eventCols, events[i:i+30]))
	}
	for _, r := range events[120:] {
		out = append(out, insertArgs("events", eventCols, [][]any{r}))
	}
	return out
}

// insertLiterals is a multi-row INSERT of rows written as SQL literals.
func insertLiterals(table string, cols []string, rows [][]any) shardStmt {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j, v := range r {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(sqlLiteral(v))
		}
		b.WriteByte(')')
	}
	return shardStmt{sql: b.String()}
}

// insertArgs is an INSERT of rows whose values are all placeholders.
func insertArgs(table string, cols []string, rows [][]any) shardStmt {
	marks := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	st := shardStmt{sql: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(marks+", ", len(rows)), ", ")}
	for _, r := range rows {
		for _, v := range r {
			if d, ok := v.(decimal); ok {
				v = string(d)
			}
			st.args = append(st.args, v)
		}
	}
	return st
}

// sqlLiteral writes one data set value as a literal (the data set's text
// holds no quote).
func sqlLiteral(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case decimal:
		return string(x)
	case time.Time:
		return "'" + x.Format(time.DateTime) + "'"
	case string:
		return "'" + x + "'"
	}
	panic(fmt.Sprintf("no literal for %T", v))
}

// bind rewrites ? placeholders as $1, $2, ... on PostgreSQL. The test
// statements hold no ? inside literals.
func (sc *shardCluster) bind(q string) string {
	if sc.d != dialect.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
