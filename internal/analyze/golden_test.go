package analyze

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grantsql/grant/dialect"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files of TestGolden")

// corpusCase is one statement of a corpus file.
type corpusCase struct {
	name, sql string
}

// readCorpus reads testdata/corpus/<dialect>.sql: each case starts with a
// "### name" line and runs to the next one.
func readCorpus(t *testing.T, d dialect.Dialect) []corpusCase {
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", d.String()+".sql"))
	require.NoError(t, err)
	var out []corpusCase
	for _, block := range strings.Split("\n"+string(data), "\n### ")[1:] {
		name, sql, _ := strings.Cut(block, "\n")
		out = append(out, corpusCase{name: strings.TrimSpace(name), sql: strings.TrimRight(sql, "\n")})
	}
	return out
}

// TestGolden analyzes the corpus of ORM-style statements per dialect and
// compares the JSON form with testdata/golden/<dialect>/<name>.json.
// Run with -update to rewrite them, then review the diff.
func TestGolden(t *testing.T) {
	for _, d := range []dialect.Dialect{dialect.Postgres, dialect.MySQL, dialect.SQLite} {
		dir := filepath.Join("testdata", "golden", d.String())
		if *update {
			require.NoError(t, os.MkdirAll(dir, 0o755))
		}
		for _, c := range readCorpus(t, d) {
			got, err := Analyze(d, c.sql).JSON()
			require.NoError(t, err)
			got = append(got, '\n')
			path := filepath.Join(dir, c.name+".json")
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
				continue
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "missing golden file: run go test -run TestGolden -update")
			if !bytes.Equal(want, got) {
				t.Errorf("%s: analysis differs from %s:\n%s", c.name, path, got)
			}
		}
	}
}
