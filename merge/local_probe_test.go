package merge

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/internal/testenv"
)

// pgRanker ranks text on a PostgreSQL server, as the engine does.
type pgRanker struct{ db *sql.DB }

func (p *pgRanker) Rank(ctx context.Context, collation string, values []string) ([]int, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, v := range values {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`)
	}
	b.WriteByte('}')
	var list string
	q := fmt.Sprintf(`SELECT string_agg(r::text, ',' ORDER BY o) FROM (SELECT o, dense_rank() OVER (ORDER BY v COLLATE %s) AS r FROM unnest($1::text[]) WITH ORDINALITY AS u(v, o)) s`, collation)
	if err := p.db.QueryRowContext(ctx, q, b.String()).Scan(&list); err != nil {
		return nil, err
	}
	out := make([]int, len(values))
	for i, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// PostgreSQL's ICU root collation and glibc's en_US order the accented
// letters as the local order does: the probe enables it, with the
// diacritics in the Unicode Collation Algorithm's order.
func TestProbeAccentsOnPostgres(t *testing.T) {
	db, err := sql.Open("pgx", testenv.PostgresDSN(t))
	require.NoError(t, err)
	defer db.Close()
	for _, c := range []string{`"und-x-icu"`, `"en_US.utf8"`} {
		t.Run(c, func(t *testing.T) {
			r := &pgRanker{db}
			l := localOrderOf(context.Background(), r, c)
			t.Logf("%s: %+v", c, l)
			assert.True(t, l.ok && l.accents, "accents ordered locally")
			if l.accents {
				assertSameMarkOrder(t, icuMarks, l.marks)
			}
			// ICU ranks the space first; glibc ignores it and punctuation
			// up to the fourth level.
			assert.Equal(t, c == `"und-x-icu"`, l.space && l.punct, "space and punctuation ranked")
			assert.Equal(t, c == `"en_US.utf8"`, l.ignore.has(' ') && l.ignore.has('-') && l.ignore.has('\''), "ignorable space and punctuation")
		})
	}
}

// cachingRanker keeps its probes itself.
type cachingRanker struct {
	fakeRanker
	probes sync.Map
}

func (c *cachingRanker) Probes() *sync.Map { return &c.probes }

// A ProbeCache keeps its probes: the merge stores none of them globally,
// and asks the server once per collation.
func TestProbeCacheKeepsItsProbes(t *testing.T) {
	r := &cachingRanker{}
	first := localOrderOf(context.Background(), r, "und-x-icu")
	assert.Equal(t, first, localOrderOf(context.Background(), r, "und-x-icu"))
	assert.Equal(t, int64(1), r.calls.Load(), "probed once")
	_, kept := r.probes.Load("und-x-icu")
	assert.True(t, kept, "in the ranker's own map")
	_, global := probes.Load(probeKey{r, "und-x-icu"})
	assert.False(t, global, "not in the program's")
}

// The orders the probe learns for ICU (punctuation ranked) and glibc's
// en_US.UTF-8 (punctuation ignorable) agree with the server on random text
// of letters, accents, digits, spaces and punctuation, longer than the
// probe's, wherever they decide.
func TestPunctuationOrderOnPostgres(t *testing.T) {
	db, err := sql.Open("pgx", testenv.PostgresDSN(t))
	require.NoError(t, err)
	defer db.Close()
	for _, collation := range []string{`"und-x-icu"`, `"en_US.utf8"`} {
		t.Run(collation, func(t *testing.T) { checkPunctuationOrder(t, &pgRanker{db}, collation) })
	}
}

func checkPunctuationOrder(t *testing.T, r Ranker, collation string) {
	l := localOrderOf(context.Background(), r, collation)
	require.True(t, l.ok && (l.punct || !l.ignore.empty()), "%+v", l)
	rng := rand.New(rand.NewPCG(11, 12))
	pool := []string{"a", "b", "e", "o", "s", "A", "B", "E", "O", "S", "é", "É", "ö", "ñ", "1", "2", " ", "-", "'", ".", ",", "_", "/", "$"}
	seen := map[string]bool{}
	var texts []string
	for len(texts) < 30000 {
		var b strings.Builder
		for range 1 + rng.IntN(10) {
			b.WriteString(pool[rng.IntN(len(pool))])
		}
		if s := b.String(); !seen[s] {
			seen[s] = true
			texts = append(texts, s)
		}
	}
	// Near ties: the same letters with punctuation put in, and with case
	// and accents changed.
	variants := strings.NewReplacer("e", "é", "E", "É", "o", "ö")
	for len(texts) < 50000 {
		base := []rune(texts[rng.IntN(len(texts))])
		p := rng.IntN(len(base) + 1)
		v := string(base[:p]) + pool[16+rng.IntN(6)] + string(base[p:])
		switch rng.IntN(3) {
		case 0:
			v = strings.ToUpper(v)
		case 1:
			v = variants.Replace(v)
		}
		if !seen[v] {
			seen[v] = true
			texts = append(texts, v)
		}
	}
	ranks, err := r.Rank(context.Background(), collation, texts)
	require.NoError(t, err)
	rank := make(map[string]int, len(texts))
	for i, s := range texts {
		rank[s] = ranks[i]
	}
	streamed := slices.DeleteFunc(slices.Clone(texts), func(s string) bool { return !l.streams1(s) })
	t.Logf("%d of %d texts streamed", len(streamed), len(texts))
	require.Greater(t, len(streamed), len(texts)/3)
	assert.True(t, agrees(l, streamed, rank))
	// Independently of agrees: random pairs, and each text with the ones
	// next to it in the server's order.
	sign := func(x int) int { return cmp.Compare(x, 0) }
	check := func(a, b string) {
		if c, ok := l.compareDecided(a, b); ok {
			require.Equal(t, sign(rank[a]-rank[b]), sign(c), "%q %q", a, b)
		}
	}
	for range 300000 {
		check(streamed[rng.IntN(len(streamed))], streamed[rng.IntN(len(streamed))])
	}
	slices.SortFunc(streamed, func(a, b string) int { return rank[a] - rank[b] })
	for i := range streamed {
		for j := i + 1; j < min(i+20, len(streamed)); j++ {
			check(streamed[i], streamed[j])
		}
	}
}
