package lockcfg

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestConfigDecodes(t *testing.T) {
	const doc = `
version_column: lock_version
version_columns:
  accounts: version
  audit.events: row_version
`
	var fromYAML Config
	require.NoError(t, yaml.Unmarshal([]byte(doc), &fromYAML))
	want := Config{VersionColumn: "lock_version", VersionColumns: map[string]string{"accounts": "version", "audit.events": "row_version"}}
	require.Equal(t, want, fromYAML)

	var fromJSON Config
	require.NoError(t, json.Unmarshal([]byte(`{"version_column":"lock_version","version_columns":{"accounts":"version","audit.events":"row_version"}}`), &fromJSON))
	require.Equal(t, want, fromJSON)
	require.Empty(t, want.Validate("locking"))

	out, err := json.Marshal(Config{})
	require.NoError(t, err)
	require.Equal(t, "{}", string(out))
}

func TestColumnFor(t *testing.T) {
	c := &Config{VersionColumn: "lock_version", VersionColumns: map[string]string{
		"accounts": "version", "audit.events": "row_version", "Users": "rev",
	}}
	for _, tc := range []struct{ schema, table, want string }{
		{"", "accounts", "version"},
		{"public", "accounts", "version"}, // schema.table not listed: by name
		{"audit", "events", "row_version"},
		{"", "events", "lock_version"}, // the default: events alone is not listed
		{"", "users", "rev"},           // ignoring case
		{"", "USERS", "rev"},
		{"", "orders", "lock_version"},
	} {
		require.Equal(t, tc.want, c.ColumnFor(tc.schema, tc.table), "%s.%s", tc.schema, tc.table)
	}
	require.Equal(t, "", (&Config{}).ColumnFor("", "t"))
	require.Equal(t, "", (*Config)(nil).ColumnFor("", "t"))
	require.Equal(t, "v", (&Config{VersionColumns: map[string]string{"t": "v"}}).ColumnFor("", "t"))
	require.Equal(t, "", (&Config{VersionColumns: map[string]string{"t": "v"}}).ColumnFor("", "u"))
}

func TestConfigValidate(t *testing.T) {
	c := &Config{
		VersionColumn: "bad\x00name",
		VersionColumns: map[string]string{
			"":          "v",
			"a.b.c":     "v",
			"accounts":  "",
			"Accounts":  "version",
			"orders":    " padded",
			"my events": strings.Repeat("x", 65),
		},
	}
	errs := c.Validate("locking")
	var got []string
	for _, err := range errs {
		require.ErrorIs(t, err, ErrConfig)
		var ce *ConfigError
		require.True(t, errors.As(err, &ce))
		got = append(got, err.Error())
	}
	require.Equal(t, []string{
		`locking.version_column: contains a NUL byte`,
		`locking.version_columns."": empty table name`,
		`locking.version_columns.a.b.c: table name "a.b.c" has more than one dot: want table or schema.table`,
		`locking.version_columns.accounts: same table as locking.version_columns.Accounts (names are matched ignoring case)`,
		`locking.version_columns.accounts: empty column name`,
		`locking.version_columns."my events": name longer than 64 bytes`,
		`locking.version_columns.orders: name " padded" has leading or trailing spaces`,
	}, got)
	require.Nil(t, (*Config)(nil).Validate("locking"))
	require.Empty(t, (&Config{}).Validate(""))
	require.Equal(t, "x.version_column: not valid UTF-8", (&Config{VersionColumn: "\xff"}).Validate("x")[0].Error())
	require.Equal(t, "locking.version_column: empty name", (&Config{VersionColumn: " "}).Validate("")[0].Error())
}

func TestConfigClone(t *testing.T) {
	c := &Config{VersionColumn: "v", VersionColumns: map[string]string{"t": "c"}}
	d := c.Clone()
	d.VersionColumns["t"] = "changed"
	require.Equal(t, "c", c.VersionColumns["t"])
	require.Nil(t, (*Config)(nil).Clone())
}
