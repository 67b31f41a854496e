package planner

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/sharding"
)

// counted is a sharding.BatchResolver over another resolver that counts
// its calls.
type counted struct {
	sharding.Resolver
	single, batches, keys int
	fail                  error // when set, ResolveBatch fails with it
}

func (c *counted) Resolve(ctx context.Context, key sharding.Key) (string, error) {
	c.single++
	return c.Resolver.Resolve(ctx, key)
}

func (c *counted) ResolveBatch(ctx context.Context, keys []sharding.Key) ([]string, error) {
	c.batches++
	c.keys += len(keys)
	if c.fail != nil {
		return nil, c.fail
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		db, err := c.Resolver.Resolve(ctx, k)
		switch {
		case errors.Is(err, sharding.ErrNoShard), errors.Is(err, sharding.ErrNullKey):
		case err != nil:
			return nil, err
		default:
			out[i] = db
		}
	}
	return out, nil
}

// batchPlanner returns the general-path planners of planConfig with the
// resolver by_customer as built, and wrapped in a counted BatchResolver.
func batchPlanner(t *testing.T) (plain, batched *Planner, c *counted) {
	cfg := planConfig()
	rs, err := sharding.Build(&cfg, planDatabases)
	require.NoError(t, err)
	plain, err = New(cfg, dialect.Postgres, "s0", planDatabases, rs)
	require.NoError(t, err)
	c = &counted{Resolver: rs["by_customer"]}
	wrapped := sharding.Resolvers{"by_customer": c, "by_region": rs["by_region"]}
	batched, err = New(cfg, dialect.Postgres, "s0", planDatabases, wrapped)
	require.NoError(t, err)
	plain.noFast, batched.noFast = true, true
	return plain, batched, c
}

// TestBatchResolution checks that the keys of an IN list and of the rows
// of a multi-row INSERT reach a BatchResolver in one call, and that every
// plan and refusal is what the single-key path gives.
func TestBatchResolution(t *testing.T) {
	args := func(vs ...any) []driver.NamedValue {
		out := make([]driver.NamedValue, len(vs))
		for i, v := range vs {
			out[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
		}
		return out
	}
	cases := []struct {
		sql           string
		args          []driver.NamedValue
		batches, keys int
		single        int
	}{
		{"SELECT * FROM orders WHERE customer_id IN (1, 2, 3, 5)", nil, 1, 4, 0},
		{"SELECT * FROM orders WHERE customer_id IN ($1, $2, NULL)", args(4, 8), 1, 2, 0},
		{"SELECT * FROM orders o JOIN order_items i ON i.customer_id = o.customer_id WHERE o.customer_id IN (1, 2) AND i.customer_id IN (2, 3)", nil, 2, 4, 0},
		{"SELECT * FROM orders WHERE customer_id IN (1, total)", nil, 0, 0, 0},
		{"SELECT * FROM orders WHERE customer_id IN (7)", nil, 0, 0, 1},
		{"SELECT * FROM orders WHERE customer_id = 7", nil, 0, 0, 1},
		{"SELECT * FROM orders WHERE customer_id IN (1, -2)", nil, 1, 2, 0},
		{"INSERT INTO orders (id, customer_id) VALUES (1, 1), (2, 2), (3, 3), (4, 5)", nil, 1, 4, 0},
		{"INSERT INTO orders (id, customer_id) VALUES ($1, $2), ($3, $4)", args(1, 4, 2, 8), 1, 2, 0},
		{"INSERT INTO orders (id, customer_id) VALUES (1, 1), (2, NULL)", nil, 0, 0, 1},
		{"INSERT INTO orders (id, customer_id) VALUES (1, 1), (2, DEFAULT)", nil, 0, 0, 1},
		{"INSERT INTO orders (id, customer_id) VALUES (1, 1), (2, 2), (3, -3)", nil, 1, 3, 0},
		{"INSERT INTO orders (id, customer_id) VALUES (1, 1)", nil, 0, 0, 1},
	}
	for _, tt := range cases {
		t.Run(tt.sql, func(t *testing.T) {
			plain, batched, c := batchPlanner(t)
			st := analyze.Analyze(dialect.Postgres, tt.sql)
			want, werr := plain.Plan(bg, st, tt.args, Options{})
			got, gerr := batched.Plan(bg, st, tt.args, Options{})
			if werr != nil {
				require.Error(t, gerr)
				assert.Equal(t, werr.Error(), gerr.Error())
			} else {
				require.NoError(t, gerr)
				wj, _ := json.Marshal(want)
				gj, _ := json.Marshal(got)
				assert.JSONEq(t, string(wj), string(gj))
			}
			assert.Equal(t, tt.batches, c.batches, "batch calls")
			assert.Equal(t, tt.keys, c.keys, "keys in batches")
			assert.Equal(t, tt.single, c.single, "single calls")
		})
	}
}

// TestBatchError checks that a failed batch refuses the statement with
// the error, naming the row of the key it is about.
func TestBatchError(t *testing.T) {
	_, batched, c := batchPlanner(t)
	c.fail = &sharding.KeyError{Resolver: "by_customer", Key: sharding.KeyOf(int64(3)), Err: errors.New("the service is down")}
	_, err := batched.Plan(bg, analyze.Analyze(dialect.Postgres, "INSERT INTO orders (id, customer_id) VALUES (1, 1), (2, 2), (3, 3)"), nil, Options{})
	require.ErrorIs(t, err, sharding.ErrRefused)
	assert.Contains(t, err.Error(), `row 3: sharding: resolver "by_customer": key int64(3): the service is down`)
	_, err = batched.Plan(bg, analyze.Analyze(dialect.Postgres, "SELECT * FROM orders WHERE customer_id IN (1, 2)"), nil, Options{})
	require.ErrorIs(t, err, sharding.ErrRefused)
	assert.Contains(t, err.Error(), "key condition customer_id IN (1, 2): sharding: resolver")
	assert.Equal(t, 0, c.single, "no key resolved again one by one")
}
