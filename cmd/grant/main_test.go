package main

import (
	"bytes"
	"context"
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
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 2, run(context.Background(), nil, &out, &errOut))
	assert.Contains(t, errOut.String(), "usage: grant")
	assert.Equal(t, 2, run(context.Background(), []string{"nope"}, &out, &errOut))
	assert.Contains(t, errOut.String(), `unknown command "nope"`)
}
