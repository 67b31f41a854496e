package analyze

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/grantsql/grant/dialect"
)

// fuzzWriteWords are the words whose bare presence must keep a statement off
// the replicas (written out here, not taken from WriteKeywords).
var fuzzWriteWords = []string{
	"insert", "update", "delete", "merge", "replace", "upsert", "create", "alter", "drop",
	"truncate", "grant", "revoke", "call", "do", "copy", "load", "handler", "rename",
	"cluster", "vacuum", "reindex", "lock", "unlock", "optimize", "repair",
}

// fuzzFuncWords may be used as functions: REPLACE(..), INSERT(..), TRUNCATE(..).
var fuzzFuncWords = []string{"replace", "insert", "truncate"}

func isOneOf(list []string, w string) bool {
	for _, x := range list {
		if strings.EqualFold(x, w) {
			return true
		}
	}
	return false
}

// checkInvariants checks what must hold for any text in any dialect.
func checkInvariants(t *testing.T, d dialect.Dialect, sql string) {
	st := Analyze(d, sql)
	if st.Read {
		for _, w := range bareWords(d, sql) {
			if !isOneOf(fuzzWriteWords, w.text) || w.afterDot || (w.beforeParen && isOneOf(fuzzFuncWords, w.text)) {
				continue
			}
			t.Fatalf("%s: %q is read but has the bare write word %q", d, sql, w.text)
		}
		if st.Pins || st.Locking != nil || st.Multi && len(st.Kinds) == 0 {
			t.Fatalf("%s: %q is read but pins or locks", d, sql)
		}
	}
	if st.Full && !st.Kind.IsDML() && !st.Kind.IsTxControl() {
		t.Fatalf("%s: %q is full but of kind %s", d, sql, st.Kind)
	}
	if !st.Full && st.NotFull == "" {
		t.Fatalf("%s: %q is not full without a reason", d, sql)
	}
	if !st.Read && st.Reason == "" {
		t.Fatalf("%s: %q is not read without a reason", d, sql)
	}
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatalf("%s: %q: %v", d, sql, err)
	}
	checkSpans(t, d, sql, b)
	if c := NewCache(1); c.Analyze(d, sql).Kind != st.Kind {
		t.Fatalf("%s: %q: the cache disagrees", d, sql)
	}
}

// checkSpans verifies that every span in the JSON form lies in the text.
func checkSpans(t *testing.T, d dialect.Dialect, sql string, b []byte) {
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if sp, ok := x["span"].([]any); ok && len(sp) == 2 {
				if text, ok := x["text"].(string); ok {
					s, e := int(sp[0].(float64)), int(sp[1].(float64))
					if s >= 0 && e >= s && e <= len(sql) && utf8.ValidString(sql) && sql[s:e] != text {
						t.Fatalf("%s: %q: text %q is not its span %v", d, sql, text, sp)
					}
				}
			}
			for k, e := range x {
				if a, ok := e.([]any); ok && (k == "span" || strings.HasSuffix(k, "_span") || k == "arg") && len(a) == 2 {
					s, _ := a[0].(float64)
					e, _ := a[1].(float64)
					if s < 0 || e < s || int(e) > len(sql) {
						t.Fatalf("%s: %q: span %s %v out of range", d, sql, k, a)
					}
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	walk(v)
}

func FuzzAnalyze(f *testing.F) {
	for _, c := range classCases {
		f.Add(c.sql)
	}
	for _, s := range []string{
		"SELECT a FROM t WHERE b IN (1, 2) AND c BETWEEN $1 AND $2 ORDER BY 1 DESC LIMIT 5 OFFSET 10",
		"INSERT INTO t (a, b) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE b = VALUES(b)",
		"UPDATE t SET a = :a WHERE id = :id RETURNING *",
		"SELECT 1.e'\\' DELETE ''",
		"SELECT $$x$$E'\\' DELETE '",
		"SELECT /*!/*/DELETE*/ 1",
		"SELECT `a``b` FROM [t] WHERE x = @p AND y = $q AND z = ?7",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
			checkInvariants(t, d, sql)
		}
	})
}

// TestInvariantsOnCases runs the fuzz invariants over the table cases.
func TestInvariantsOnCases(t *testing.T) {
	for _, c := range classCases {
		for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
			checkInvariants(t, d, c.sql)
		}
	}
}
