package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files of grant explain")

// repoFile returns the path of a file of the repository's top-level
// testdata directory, the example configurations.
func repoFile(name string) string { return filepath.Join("..", "..", "testdata", name) }

// grantCmd runs the command line args and returns its exit status, output
// and error output.
func grantCmd(ctx context.Context, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestExplainGolden prints the explanation of statements that cover every
// route of the planner and every step of the merge, on the example SQLite
// configurations, and compares them with testdata/explain.golden.
func TestExplainGolden(t *testing.T) {
	shards, single := repoFile("sqlite-shards.yaml"), repoFile("sqlite.yaml")
	cases := [][]string{
		{"-config", single, "SELECT name FROM customers WHERE id = ?"},
		{"-config", single, "SELECT id FROM orders WHERE customer_id = ? FOR UPDATE"},
		{"-config", single, "CREATE TEMP TABLE scratch (x INT)"},
		{"-config", shards, "-args", "[42]", "SELECT * FROM orders WHERE customer_id = ?"},
		{"-config", shards, "-args", "[1, 2, 5]", "SELECT id FROM orders WHERE customer_id IN (?, ?, ?)"},
		{"-config", shards, "SELECT * FROM orders ORDER BY total_cents DESC LIMIT 5"},
		{"-config", shards, "SELECT status, count(*), avg(total_cents) FROM orders GROUP BY status ORDER BY status LIMIT 2 OFFSET 1"},
		{"-config", shards, "SELECT DISTINCT country FROM orders"},
		{"-config", shards, "SELECT min(total_cents), max(total_cents), sum(total_cents) FROM orders"},
		{"-config", shards, "SELECT code, name FROM countries ORDER BY code"},
		{"-config", shards, "INSERT INTO orders (id, customer_id, total_cents) VALUES (1, 2, 300), (2, 3, 400), (3, 4, 500) RETURNING id"},
		{"-config", shards, "-args", `{"c": 7}`, "UPDATE orders SET status = 'paid' WHERE customer_id = :c"},
		{"-config", shards, "UPDATE orders SET status = 'paid' WHERE total_cents > 100"},
		{"-config", shards, "UPDATE countries SET name = 'Deutschland' WHERE code = 'DE'"},
		{"-config", shards, "CREATE INDEX orders_status ON orders (status)"},
		{"-config", shards, "-database", "s1", "SELECT count(*) FROM orders"},
		{"-config", shards, "-json", "-args", "[3]", "SELECT o.id, i.sku FROM orders o JOIN order_items i ON i.customer_id = o.customer_id WHERE o.customer_id = ?"},
		{"-config", shards, "-json", "SELECT customer_id, count(*) FROM orders GROUP BY customer_id"},
	}
	var got bytes.Buffer
	for _, args := range cases {
		code, out, errOut := grantCmd(context.Background(), append([]string{"explain"}, args...)...)
		require.Equal(t, 0, code, "%v: %s", args, errOut)
		got.WriteString("$ grant explain " + strings.Join(quoted(args), " ") + "\n" + out + "\n")
	}
	golden := filepath.Join("testdata", "explain.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, got.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -run TestExplainGolden -update to create it")
	assert.Equal(t, string(want), got.String())
}

// quoted quotes the arguments as a shell needs them, and shows the
// configuration paths as from the repository's root.
func quoted(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		switch {
		case strings.HasPrefix(a, "../"):
			out[i] = strings.TrimPrefix(a, "../../")
		case !strings.ContainsAny(a, ` "'{[$*?`):
			out[i] = a
		case !strings.Contains(a, "'"):
			out[i] = "'" + a + "'"
		case !strings.ContainsAny(a, "\"$`\\"):
			out[i] = `"` + a + `"`
		default:
			out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return out
}

func TestExplainJSONIsAnExplanation(t *testing.T) {
	code, out, errOut := grantCmd(context.Background(), "explain", "-json", "-config", repoFile("sqlite-shards.yaml"),
		"SELECT * FROM orders ORDER BY id LIMIT 3")
	require.Equal(t, 0, code, errOut)
	var x struct {
		Kind    string   `json:"kind"`
		Effects []string `json:"effects"`
		Plan    struct {
			Route  string `json:"route"`
			Shards []struct {
				Database string `json:"database"`
				SQL      string `json:"sql"`
			} `json:"shards"`
			Strategy string `json:"strategy"`
		} `json:"plan"`
		Routes []struct {
			Node, Role, Reason string
		} `json:"routes"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &x))
	assert.Equal(t, "select", x.Kind)
	assert.Equal(t, "scatter", x.Plan.Route)
	assert.Equal(t, "ordered merge → limit", x.Plan.Strategy)
	require.Len(t, x.Plan.Shards, 2)
	require.Len(t, x.Routes, 2, "one route per database of the plan")
	assert.Equal(t, "s1.primary", x.Routes[1].Node)
	assert.Equal(t, "primary", x.Routes[1].Role)
}

func TestExplainRefusalsAndMistakes(t *testing.T) {
	shards := repoFile("sqlite-shards.yaml")
	code, out, _ := grantCmd(context.Background(), "explain", "-config", shards, "INSERT INTO orders (id) VALUES (1)")
	assert.Equal(t, 1, code, "a refused statement fails")
	assert.Contains(t, out, "└─ refused: sharding: refused \"INSERT INTO orders (id) VALUES (1)\": table orders: the INSERT does not give shard key column customer_id")

	code, out, _ = grantCmd(context.Background(), "explain", "-json", "-config", shards, "UPDATE orders SET customer_id = 3 WHERE customer_id = 2")
	assert.Equal(t, 1, code)
	var refusal map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &refusal), out)
	assert.Contains(t, refusal["error"], "sharding: refused")

	code, out, _ = grantCmd(context.Background(), "explain", "-config", shards, "-database", "s7", "SELECT 1")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `└─ error: grant: unknown database "s7"`)

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"SELECT 1"}, "-config FILE is required"},
		{[]string{"-config", shards}, "want exactly one SQL statement"},
		{[]string{"-config", shards, "-args", "[1", "SELECT ?"}, "-args: not JSON"},
		{[]string{"-config", shards, "-args", "[[1]]", "SELECT ?"}, "-args: argument 1: arrays and objects are not SQL values"},
		{[]string{"-config", shards, "-args", "7", "SELECT ?"}, "-args: want a JSON array"},
	} {
		code, _, errOut := grantCmd(context.Background(), append([]string{"explain"}, c.args...)...)
		assert.Equal(t, 2, code, c.args)
		assert.Contains(t, errOut, c.want, c.args)
	}
	code, _, errOut := grantCmd(context.Background(), "explain", "-config", "nope.yaml", "SELECT 1")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `grant explain: grant config: config file "nope.yaml": no such file or directory`)
}

func TestParseArgs(t *testing.T) {
	got, err := parseArgs(`[42, 1.5, "x", true, null, 9007199254740993]`)
	require.NoError(t, err)
	assert.Equal(t, []any{int64(42), 1.5, "x", true, nil, int64(9007199254740993)}, got, "integers keep every digit")
	got, err = parseArgs(`{"b": 2, "a": "one"}`)
	require.NoError(t, err)
	assert.Equal(t, []any{sql.Named("a", "one"), sql.Named("b", int64(2))}, got, "named, in name order")
	_, err = parseArgs(`[1] [2]`)
	assert.ErrorContains(t, err, "want one JSON array or object")
}

// TestExplainPostgres explains on the PostgreSQL example: a read goes to
// the replica, taken as well without asking it.
func TestExplainPostgres(t *testing.T) {
	testenv.PostgresDSN(t)
	testenv.PostgresReplicaDSN(t)
	code, out, errOut := grantCmd(context.Background(), "explain", "-config", repoFile("postgres.yaml"), "SELECT * FROM accounts WHERE id = $1")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "main → main.replicas[0] (read)")
	assert.Contains(t, out, "(replicas taken as healthy and caught up: -live measures them)")
	code, out, errOut = grantCmd(context.Background(), "explain", "-live", "-config", repoFile("postgres.yaml"), "SELECT * FROM accounts WHERE id = $1")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "main → main.replicas[0] (read)")
	assert.NotContains(t, out, "taken as healthy")
}
