// Command geo-resolver is an example shard resolver plugin: it places rows
// by the region of the country in their key column (package geo).
//
//	sharding:
//	  resolvers:
//	    by_country:
//	      type: plugin
//	      path: ./bin/geo-resolver
//	      sha256: 3f1c...                # sha256sum bin/geo-resolver
//	      args: [--region, eu=s0, --region, na=s1, --default, s2]
//	      databases: [s0, s1, s2]
//	  tables:
//	    customers: {key: country, resolver: by_country}
//
// Build it with go build -o bin/geo-resolver ./plugins/example/geo-resolver.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/grantsql/grant/plugins"
	"github.com/grantsql/grant/plugins/example/geo"
)

// regionFlag collects repeated --region region=database flags.
type regionFlag map[string]string

func (f regionFlag) String() string { return fmt.Sprint(map[string]string(f)) }

func (f regionFlag) Set(s string) error {
	region, db, ok := strings.Cut(s, "=")
	if !ok || region == "" || db == "" {
		return fmt.Errorf("want region=database, as in eu=s0")
	}
	f[region] = db
	return nil
}

func main() {
	regions := regionFlag{}
	flag.Var(regions, "region", "region=database: place the countries of region in database (repeat for each region; regions: "+strings.Join(geo.Regions(), ", ")+")")
	def := flag.String("default", "", "the database of countries in no listed region (default: refuse them)")
	flag.Parse()
	r, err := geo.New(regions, *def)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	plugins.Serve(r)
}
