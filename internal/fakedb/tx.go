package fakedb

import (
	"context"
	"strings"
)

// tx is a fake transaction: the writes it made, with savepoint marks.
type tx struct {
	c       *conn
	pending []string
	marks   []mark
}

type mark struct {
	name string
	at   int
}

// apply records a statement run in the transaction: a write, or a
// savepoint statement moving the marks.
func (t *tx) apply(q string) {
	f := strings.Fields(strings.ToUpper(q))
	switch {
	case len(f) == 2 && f[0] == "SAVEPOINT":
		t.marks = append(t.marks, mark{f[1], len(t.pending)})
	case len(f) >= 3 && f[0] == "RELEASE":
		if i := t.find(f[len(f)-1]); i >= 0 {
			t.marks = t.marks[:i]
		}
	case len(f) >= 3 && f[0] == "ROLLBACK" && f[1] == "TO":
		if i := t.find(f[len(f)-1]); i >= 0 {
			t.pending = t.pending[:t.marks[i].at]
			t.marks = t.marks[:i+1]
		}
	default:
		t.pending = append(t.pending, q)
	}
}

func (t *tx) find(name string) int {
	for i := len(t.marks) - 1; i >= 0; i-- {
		if t.marks[i].name == name {
			return i
		}
	}
	return -1
}

func (t *tx) Commit() error {
	c := t.c
	if err := c.do(context.Background(), "commit", "", nil); err != nil {
		return err
	}
	c.db.commit(t.pending)
	c.tx = nil
	return nil
}

func (t *tx) Rollback() error {
	c := t.c
	c.tx = nil
	return c.do(context.Background(), "rollback", "", nil)
}
