package dsn_test

import (
	"strings"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/dsn"
	"github.com/grantsql/grant/internal/dsn/dsntest"
)

// FuzzRedact checks, over generated DSNs of every driver's syntax, that the
// password is always inside a masked range, never in the output of Redact,
// Scrub, Show or Detect, and that Detect recognizes the DSN's form.
func FuzzRedact(f *testing.F) {
	for _, seed := range []struct {
		form      uint8
		pre, post string
		knobs     uint16
	}{
		{0, "p@ss", "w/rd?x#y", 0}, {1, "a b", "c%d", 5}, {2, "&=", "+%", 9},
		{3, "a' b\\", "\t\n", 0x5555}, {4, "it's", "\\", 0xffff}, {5, "p@ss:", "w/(r),d)", 3},
		{5, "a)@tcp(", "/", 0}, {6, "x", "", 0}, {0, "", "", 0}, {3, "", "\\", 1},
		{0, "${A", "}", 7}, {4, "password=", "'", 2},
	} {
		f.Add(seed.form, seed.pre, seed.post, seed.knobs)
	}
	f.Fuzz(func(t *testing.T, form uint8, pre, post string, knobs uint16) {
		g := dsntest.Generate(form, pre, post, knobs)
		for _, d := range []dialect.Dialect{g.Dialect, dialect.Unknown} {
			if !dsn.Covered(d, g.DSN, g.Start, g.End) {
				t.Fatalf("%v: password [%d,%d) of %q not masked: %q", d, g.Start, g.End, g.DSN, dsn.Redact(d, g.DSN))
			}
			if red := dsn.Redact(d, g.DSN); strings.Contains(red, dsntest.Sentinel) {
				t.Fatalf("%v: dsn.Redact(%q) = %q", d, g.DSN, red)
			}
			written := g.DSN[g.Start:g.End]
			half := g.DSN[:g.Start] + dsn.Mask + written[len(written)/2:] + g.DSN[g.End:]
			text := "failed: " + g.Password + " in `" + g.DSN + "` (" + written + ") `" + half + "`"
			if g.Password != "" {
				text += ` bad "` + g.Password[len(pre):len(pre)+4] + `"`
			}
			if out := dsn.Scrub(d, g.DSN, text); strings.Contains(out, dsntest.Sentinel) {
				t.Fatalf("%v: Scrub with %q left %q", d, g.DSN, out)
			}
		}
		if g.Form == dsn.FormSQLite && dsn.Redact(dialect.SQLite, g.DSN) != g.DSN {
			t.Fatalf("a SQLite path was masked: %q", g.DSN)
		}
		got, err := dsn.Detect(g.DSN)
		if err != nil {
			if strings.Contains(err.Error(), dsntest.Sentinel) {
				t.Fatalf("Detect error echoes the password: %v", err)
			}
			if g.CanDetect {
				t.Fatalf("dsn.Detect(%q): %v", g.DSN, err)
			}
		} else if g.CanDetect && got != g.Form {
			t.Fatalf("dsn.Detect(%q) = %v, want %v", g.DSN, form, g.Form)
		}
		if s := dsn.Show(g.DSN); strings.Contains(s, dsntest.Sentinel) {
			t.Fatalf("dsn.Show(%q) = %s", g.DSN, s)
		}
	})
}
