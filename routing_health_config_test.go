package grant_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
	"github.com/grantsql/grant/dialect"
)

// routing.hedge_after: 0 (off) or a delay of at least 1ms; the error names
// the key.
func TestHealthHedgeAfterConfig(t *testing.T) {
	for _, tc := range []struct {
		value, err string
	}{
		{"0", ""},
		{"50ms", ""},
		{"1ms", ""},
		{"500us", "routing.hedge_after: 500µs is too short: at least 1ms"},
		{"-1s", "routing.hedge_after: invalid duration: must not be negative"},
		{"soon", "routing.hedge_after"},
	} {
		t.Run(tc.value, func(t *testing.T) {
			cfg, err := config.Parse([]byte("routing: {hedge_after: "+tc.value+"}"), "yaml")
			if err == nil {
				cfg.Dialect = dialect.SQLite
				cfg.Databases = map[string]*config.Database{"main": {Primary: "file:" + t.TempDir() + "/h.db"}}
				var c *grant.Connector
				c, err = grant.NewConnector(cfg)
				if c != nil {
					c.Close()
				}
			}
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}
