package sanitize

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLike(t *testing.T) {
	for _, tc := range []struct {
		in     string
		escape rune
		want   string
	}{
		{"plain", '\\', "plain"},
		{"50%", '\\', `50\%`},
		{"a_b", '\\', `a\_b`},
		{`C:\dir`, '\\', `C:\\dir`},
		{`%_\`, '\\', `\%\_\\`},
		{"50%!", '!', "50!%!!"},
		{"x%ä_", 'ä', "xä%äää_"},
		{"", '\\', ""},
	} {
		assert.Equal(t, tc.want, Like(tc.in, tc.escape), tc.in)
	}
	assert.Panics(t, func() { Like("x", '%') })
	assert.Panics(t, func() { Like("x", '_') })
	assert.Panics(t, func() { Like("x", -1) })
}

// TestLikeOnServers matches escaped patterns in every session, with the
// escape character given by ESCAPE and written with Quote.
func TestLikeOnServers(t *testing.T) {
	for _, s := range sessions() {
		t.Run(s.name, func(t *testing.T) {
			conn := s.setup(t)
			esc, err := s.q.Quote(`\`)
			require.NoError(t, err)
			for _, tc := range []struct {
				term, subject string
				want          bool
			}{
				{"50%", "save 50% now", true},
				{"50%", "save 50 now", false},
				{"50%", "save 500 now", false},
				{"a_b", "xa_by", true},
				{"a_b", "xacby", false},
				{`C:\dir`, `in C:\dir\x`, true},
				{`C:\dir`, `in C:dir`, false},
				{`%\_`, `%\_`, true},
			} {
				pattern, err := s.q.Quote("%" + Like(tc.term, '\\') + "%")
				require.NoError(t, err)
				subject, err := s.q.Quote(tc.subject)
				require.NoError(t, err)
				query := "SELECT CASE WHEN " + subject + " LIKE " + pattern + " ESCAPE " + esc + " THEN 1 ELSE 0 END"
				var got int
				require.NoError(t, conn.QueryRowContext(context.Background(), query).Scan(&got), query)
				assert.Equal(t, tc.want, got == 1, query)
			}
		})
	}
}
