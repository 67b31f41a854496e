package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// recoverCmd finishes the two-phase transactions left in doubt on the
// cluster's databases, prints what it did, and fails while any is left.
func recoverCmd(ctx context.Context, args []string, out, stderr io.Writer) error {
	fs := newFlags("recover", "-config FILE [-timeout 30s]", stderr)
	path := fs.String("config", "", "cluster configuration `file` (YAML or JSON)")
	timeout := fs.Duration("timeout", 30*time.Second, "how long recovery may take")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c, err := openCluster(*path)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	r, err := c.Recover(ctx)
	fmt.Fprint(out, r.String())
	if err != nil {
		return err
	}
	if !r.Done() {
		return errProblems
	}
	return nil
}
