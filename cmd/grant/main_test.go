package main

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDemo(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"demo", "-orders", "300"}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	s := out.String()
	assert.Contains(t, s, "databases.main.replica: unknown key")
	assert.Contains(t, s, "wrote 100 customers and 300 orders in 3 transactions")
	assert.Contains(t, s, "0 orders marked paid afterwards")
	assert.Contains(t, s, "SELECT name FROM customers WHERE id = ?                  -> main.replicas[0] (read)")
	assert.Contains(t, s, "-> main.primary (needs primary: locking clause)")
	assert.Contains(t, s, `read back "renamed": main.primary (read your writes`)
	assert.Contains(t, s, "routing.PreventWrites is in effect")
	assert.Regexp(t, `main\.primary\s+primary\s+true`, s)
	assert.Regexp(t, `main\.replicas\[0\]\s+replica\s+true\s+300\s+300`, s, "the reader's 300 point reads ran on the replica")

	assert.Contains(t, s, "300 orders written in multi-row INSERTs split by key: s0 74, s1 77, s2 75, s3 74")
	assert.Contains(t, s, "single on 1 database(s): customer_id = ? -> s2")
	assert.Contains(t, s, "scatter on 4 database(s): no key condition on orders.customer_id: every database of by_customer; merge: ordered merge → limit")
	assert.Contains(t, s, "orders by status, merged from 4 shards: new 100 (avg")
	assert.Contains(t, s, "the transaction already writes to s1")
	assert.Contains(t, s, "the INSERT does not give shard key column customer_id")
	for i := range 4 {
		assert.Regexp(t, fmt.Sprintf(`s%d\.primary\s+primary\s+true\s+\d+\s+4\s`, i), s,
			"each shard ran its UseShard count, the 2 fan-out reads and one catalog read of orders (cached for the second read)")
	}
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run(context.Background(), nil, &out, &errOut))
	assert.Contains(t, errOut.String(), "usage: grant")
	assert.Equal(t, 2, run(context.Background(), []string{"nope"}, &out, &errOut))
	assert.Contains(t, errOut.String(), `unknown command "nope"`)
	out.Reset()
	assert.Equal(t, 0, run(context.Background(), []string{"help"}, &out, &errOut))
	for _, cmd := range []string{"check", "explain", "health", "demo"} {
		assert.Contains(t, out.String(), "\n  "+cmd+" ", cmd)
	}
}
