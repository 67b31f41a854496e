package lockrewrite

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/analyze"
	"github.com/grantsql/grant/locking"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// corpusCase is one statement of a corpus file with the requests to apply.
type corpusCase struct {
	name     string
	sql      string
	requests []string
}

// readCorpus reads testdata/<dir>/<file>.sql: each case starts with a
// "### name" line, optionally followed by ": request; request", and runs
// to the next one. A request is words: a strength (update, no_key_update,
// share, key_share), nowait or skip, of=a,b and timeout=<duration>.
func readCorpus(t testing.TB, dir, file string) []corpusCase {
	data, err := os.ReadFile(filepath.Join("testdata", dir, file+".sql"))
	require.NoError(t, err)
	var out []corpusCase
	for _, block := range strings.Split("\n"+string(data), "\n### ")[1:] {
		head, sql, _ := strings.Cut(block, "\n")
		name, reqs, _ := strings.Cut(head, ":")
		c := corpusCase{name: strings.TrimSpace(name), sql: strings.TrimRight(sql, "\n")}
		for r := range strings.SplitSeq(reqs, ";") {
			if r = strings.TrimSpace(r); r != "" {
				c.requests = append(c.requests, r)
			}
		}
		if len(c.requests) == 0 {
			c.requests = []string{"update"}
		}
		out = append(out, c)
	}
	return out
}

// parseRequest reads the request syntax of the corpus files.
func parseRequest(t testing.TB, s string) locking.Request {
	var r locking.Request
	for w := range strings.FieldsSeq(s) {
		switch {
		case w == "update":
			r.Strength = locking.Update
		case w == "no_key_update":
			r.Strength = locking.NoKeyUpdate
		case w == "share":
			r.Strength = locking.Share
		case w == "key_share":
			r.Strength = locking.KeyShare
		case w == "nowait":
			r.Wait = locking.FailFast
		case w == "skip":
			r.Wait = locking.Skip
		case strings.HasPrefix(w, "of="):
			r.Of = strings.Split(strings.TrimPrefix(w, "of="), ",")
		case strings.HasPrefix(w, "timeout="):
			d, err := time.ParseDuration(strings.TrimPrefix(w, "timeout="))
			require.NoError(t, err)
			r.Timeout = d
		default:
			t.Fatalf("unknown request word %q", w)
		}
	}
	return r
}

// lockCorpora maps each server to its corpus file.
var lockCorpora = []struct {
	server Server
	file   string
}{
	{Postgres, "postgres"}, {MariaDB, "mysql"}, {MySQL, "mysql"}, {SQLite, "sqlite"},
}

// renderLock writes the result of one request as golden text.
func renderLock(b *bytes.Buffer, server Server, r locking.Request, l *Lock, err error) {
	fmt.Fprintf(b, "-- %s\n", r)
	if err != nil {
		b.WriteString(renderErr(err))
		return
	}
	switch {
	case l.Changed:
		fmt.Fprintf(b, "%s\n", l.SQL)
	case l.WriteLock:
		b.WriteString("unchanged: locking read under the database write lock\n")
		if bg, err := BeginFor(server, r); err != nil {
			b.WriteString(renderErr(err))
		} else {
			fmt.Fprintf(b, "begin: %s\n", bg.SQL)
			if bg.Timeout != nil {
				fmt.Fprintf(b, "%s\n", indent(bg.Timeout.String()))
			}
		}
	default:
		b.WriteString("unchanged\n")
	}
	if l.Timeout != nil {
		fmt.Fprintf(b, "%s\n", indent(l.Timeout.String()))
	}
}

func renderErr(err error) string {
	var le *locking.Error
	if errors.As(err, &le) {
		return fmt.Sprintf("refused (%v): %s\n", le.Err, le.Reason)
	}
	return fmt.Sprintf("error: %v\n", err)
}

func indent(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") }

// checkGolden compares got with testdata/golden/<name>, or writes it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file: run go test -run TestGolden -update")
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs; got:\n%s", path, got)
	}
}

// TestGoldenLock applies every request of the lock corpora on each server
// and compares the clauses, settings and refusals with
// testdata/golden/lock_<server>.txt. Run with -update to rewrite them,
// then review the diff.
func TestGoldenLock(t *testing.T) {
	for _, c := range lockCorpora {
		var b bytes.Buffer
		for _, cc := range readCorpus(t, "lock", c.file) {
			fmt.Fprintf(&b, "### %s\n%s\n", cc.name, cc.sql)
			st := analyze.Analyze(c.server.Dialect(), cc.sql)
			for _, rs := range cc.requests {
				r := parseRequest(t, rs)
				l, err := Pessimistic(c.server, st, r)
				renderLock(&b, c.server, r, l, err)
			}
			b.WriteString("\n")
		}
		checkGolden(t, "lock_"+c.server.String()+".txt", b.Bytes())
	}
}

// versionConfig is the configuration of the version corpora.
func versionConfig() *locking.Config {
	return &locking.Config{
		VersionColumn:  "lock_version",
		VersionColumns: map[string]string{"accounts": "version", "audit.events": "row_version", "Mixed": "RowVersion"},
	}
}

// TestGoldenVersion rewrites every statement of the version corpora and
// compares the SQL and argument position with
// testdata/golden/version_<dialect>.txt.
func TestGoldenVersion(t *testing.T) {
	for _, s := range []Server{Postgres, MariaDB, SQLite} {
		d := s.Dialect()
		var b bytes.Buffer
		for _, cc := range readCorpus(t, "version", d.String()) {
			fmt.Fprintf(&b, "### %s\n%s\n", cc.name, cc.sql)
			v, err := Optimistic(analyze.Analyze(d, cc.sql), versionConfig())
			switch {
			case err != nil:
				b.WriteString(renderErr(err))
			case !v.Changed:
				b.WriteString("unchanged\n")
			default:
				fmt.Fprintf(&b, "-- %s.%s, argument %d is %s\n%s\n", v.Table, v.Column, v.Arg.Index, v.Arg.Placeholder, v.SQL)
			}
			b.WriteString("\n")
		}
		checkGolden(t, "version_"+d.String()+".txt", b.Bytes())
	}
}
