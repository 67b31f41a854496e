// Package geo is an example shard resolver: rows are placed by the region
// of a country, so that each region's data lives in its own database.
// Command geo-resolver serves it as a plugin; plugins.Func runs the same
// resolver in the application's process.
package geo

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/grantsql/grant/sharding"
)

// regions maps ISO 3166-1 alpha-2 country codes to their region.
var regions = map[string]string{
	"AT": "eu", "BE": "eu", "CH": "eu", "CZ": "eu", "DE": "eu", "DK": "eu", "ES": "eu",
	"FI": "eu", "FR": "eu", "GB": "eu", "IE": "eu", "IT": "eu", "NL": "eu", "NO": "eu",
	"PL": "eu", "PT": "eu", "SE": "eu",
	"CA": "na", "MX": "na", "US": "na",
	"AR": "sa", "BR": "sa", "CL": "sa", "CO": "sa", "PE": "sa",
	"AU": "apac", "CN": "apac", "IN": "apac", "JP": "apac", "KR": "apac", "NZ": "apac", "SG": "apac",
	"EG": "af", "KE": "af", "NG": "af", "ZA": "af",
}

// Regions returns the region names the resolver knows, sorted.
func Regions() []string {
	var out []string
	for _, r := range regions {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}

// Resolver maps a country code to the database of its region.
type Resolver struct {
	byRegion map[string]string
	def      string
}

// New returns a Resolver that places the countries of each region of
// byRegion ({"eu": "s0", "na": "s1"}) in that database, and every other
// country in def; an empty def refuses them (sharding.ErrNoShard).
func New(byRegion map[string]string, def string) (*Resolver, error) {
	for region, db := range byRegion {
		if !slices.Contains(Regions(), region) {
			return nil, fmt.Errorf("geo: unknown region %q: want one of %s", region, strings.Join(Regions(), ", "))
		}
		if db == "" {
			return nil, fmt.Errorf("geo: region %q has no database", region)
		}
	}
	return &Resolver{byRegion: maps.Clone(byRegion), def: def}, nil
}

// Resolve returns the database of a key of one value: a country code, as
// a string or bytes, in any case ("de", "DE").
func (r *Resolver) Resolve(_ context.Context, key []any) (string, error) {
	if len(key) != 1 {
		return "", fmt.Errorf("geo: a key of %d values: want one country code: %w", len(key), sharding.ErrKeyType)
	}
	var code string
	switch v := key[0].(type) {
	case string:
		code = v
	case []byte:
		code = string(v)
	default:
		return "", fmt.Errorf("geo: a %T key: want a country code: %w", v, sharding.ErrKeyType)
	}
	if db, ok := r.byRegion[regions[strings.ToUpper(code)]]; ok {
		return db, nil
	}
	if r.def != "" {
		return r.def, nil
	}
	return "", fmt.Errorf("geo: country %q is in no configured region: %w", code, sharding.ErrNoShard)
}
