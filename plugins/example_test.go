package plugins_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/grantsql/grant/plugins"
	"github.com/grantsql/grant/sharding"
)

// byInitial places names by their first letter.
type byInitial struct{}

func (byInitial) Resolve(_ context.Context, key []any) (string, error) {
	name, ok := key[0].(string)
	if !ok || name == "" {
		return "", fmt.Errorf("want a name: %w", sharding.ErrKeyType)
	}
	if strings.ToUpper(name[:1]) < "N" {
		return "s0", nil
	}
	return "s1", nil
}

// A plugin executable's main serves its resolver; Grant starts it.
func ExampleServe() {
	// func main() { plugins.Serve(byInitial{}) }
	plugins.Serve(byInitial{})
}

// The same resolver can run in the application's process, where it sees
// the same values as in its plugin.
func ExampleFunc() {
	sharding.RegisterFunc("by_initial", plugins.Func(byInitial{}))
	r, err := sharding.New("users", sharding.Spec{Type: "by_initial", Databases: []string{"s0", "s1"}}, nil)
	if err != nil {
		panic(err)
	}
	for _, name := range []string{"ada", "Zoe"} {
		db, _ := r.Resolve(context.Background(), sharding.KeyOf(name))
		fmt.Println(name, "->", db)
	}
	// Output:
	// ada -> s0
	// Zoe -> s1
}

// A resolver of type plugin, as a configuration file would give it; the
// connector starts the plugin when it is created.
func ExampleTypeName() {
	spec := sharding.Spec{
		Type:      plugins.TypeName,
		Path:      "./bin/geo-resolver",
		SHA256:    "3f1c...", // sha256sum bin/geo-resolver
		Args:      []string{"--region", "eu=s0", "--region", "na=s1", "--default", "s2"},
		Databases: []string{"s0", "s1", "s2"},
		Cache:     &sharding.CacheSpec{Size: 100000},
	}
	err := sharding.DefaultRegistry().Check("geo", spec, nil)
	fmt.Println(err)
	// Output:
	// sharding.resolvers.geo.sha256: want 64 hexadecimal digits
}
