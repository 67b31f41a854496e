// Command testplugin is the resolver plugin of package plugins' tests: the
// geo example's resolver, plus faults on chosen keys.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/grantsql/grant/plugins"
	"github.com/grantsql/grant/plugins/example/geo"
)

type faulty struct {
	geo    *geo.Resolver
	hang   string // a key answered never
	crash  string // a key that makes the process exit
	answer string // when set, the database answered for every key
}

func (f *faulty) Resolve(ctx context.Context, key []any) (string, error) {
	k := fmt.Sprint(key...)
	switch {
	case f.hang != "" && k == f.hang:
		log.Printf("hanging on %s", k)
		select {}
	case f.crash != "" && k == f.crash:
		log.Printf("crashing on %s", k)
		os.Exit(3)
	case f.answer != "":
		return f.answer, nil
	}
	return f.geo.Resolve(ctx, key)
}

func main() {
	regions := flag.String("regions", "eu=s0,na=s1", "region=database,...")
	def := flag.String("default", "", "the database of other countries")
	f := &faulty{}
	flag.StringVar(&f.hang, "hang", "", "a key never answered")
	flag.StringVar(&f.crash, "crash", "", "a key that makes the plugin exit")
	flag.StringVar(&f.answer, "answer", "", "the database answered for every key")
	flag.Parse()
	m := map[string]string{}
	for _, kv := range strings.Split(*regions, ",") {
		if r, db, ok := strings.Cut(kv, "="); ok {
			m[r] = db
		}
	}
	g, err := geo.New(m, *def)
	if err != nil {
		log.Fatal(err)
	}
	f.geo = g
	plugins.Serve(f)
}
