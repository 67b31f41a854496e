package lockrewrite

import (
	"testing"
	"time"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/locking"
)

// FuzzRewrite checks that rewriting never panics and that whatever it
// produces is still a statement the analyzer fully understands: a locking
// read with the clause, or an UPDATE / DELETE of the same kind.
func FuzzRewrite(f *testing.F) {
	for _, c := range lockCorpora {
		for _, cc := range readCorpus(f, "lock", c.file) {
			f.Add(uint8(c.server), uint8(0), cc.sql)
		}
	}
	for _, s := range []Server{Postgres, MariaDB, SQLite} {
		for _, cc := range readCorpus(f, "version", s.Dialect().String()) {
			f.Add(uint8(s), uint8(3), cc.sql)
		}
	}
	f.Fuzz(func(t *testing.T, server, opts uint8, sql string) {
		s := Server(server%4 + 1)
		st := analyze.Analyze(s.Dialect(), sql)
		r := locking.Request{Strength: locking.Strength(opts%4 + 1), Wait: locking.WaitPolicy(opts / 4 % 3)}
		if opts&0x40 != 0 {
			r.Timeout = time.Second
		}
		if opts&0x80 != 0 && len(st.Tables) > 0 {
			r.Of = []string{st.Tables[0].Name}
		}
		if l, err := Pessimistic(s, st, r); err == nil && l.Changed {
			if l.Statement.Locking == nil || !l.Statement.Full {
				t.Fatalf("%s: %q became %q, not a full locking read (%s)", s, sql, l.SQL, l.Statement.NotFull)
			}
		}
		if v, err := Optimistic(st, &locking.Config{VersionColumn: "lock_version"}); err == nil && v.Changed {
			if !v.Statement.Full || v.Statement.Kind != st.Kind {
				t.Fatalf("%s: %q became %q, not a full %s (%s)", s, sql, v.SQL, st.Kind, v.Statement.NotFull)
			}
		}
	})
}
