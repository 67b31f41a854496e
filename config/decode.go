package config

import (
	"encoding"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/internal/dsn"
)

var (
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	dialectType     = reflect.TypeFor[dialect.Dialect]()
)

// decodeNode decodes n into v, recording every problem with its key path.
// Scalars must have the type of their field: an integer field takes only an
// integer (not 1.5, not "5"), a string field only a string, a bool only true
// or false. Messages name the key and the expected type, never the value,
// which may be a misplaced secret.
func decodeNode(errs *collector, path string, n *yaml.Node, v reflect.Value) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.ShortTag() == "!!null" {
		v.SetZero()
		return
	}
	if n.Kind == yaml.MappingNode && hasDuplicateKey(errs, path, n) {
		return
	}
	if reflect.PointerTo(v.Type()).Implements(textUnmarshaler) {
		decodeText(errs, path, n, v)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		decodeNode(errs, path, n, elem.Elem())
		v.Set(elem)
	case reflect.Struct:
		decodeStruct(errs, path, n, v)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			errs.add(path, "want a mapping, not %s", kindName(n))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			elem := reflect.New(v.Type().Elem()).Elem()
			decodeNode(errs, join(path, key), n.Content[i+1], elem)
			m.SetMapIndex(reflect.ValueOf(key).Convert(v.Type().Key()), elem)
		}
		v.Set(m)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			errs.add(path, "want a list, not %s", kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			decodeNode(errs, fmt.Sprintf("%s[%d]", path, i), item, s.Index(i))
		}
		v.Set(s)
	case reflect.Interface:
		var x any
		if err := n.Decode(&x); err != nil {
			errs.add(path, "invalid value")
			return
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		decodeScalar(errs, path, n, v)
	}
}

// decodeScalar decodes a string, integer, float or bool, refusing a value
// of another YAML type.
func decodeScalar(errs *collector, path string, n *yaml.Node, v reflect.Value) {
	want, tags := expected(v.Kind())
	if want == "" {
		errs.add(path, "unsupported field type %s", v.Type())
		return
	}
	if n.Kind != yaml.ScalarNode || !slices.Contains(strings.Fields(tags), n.ShortTag()) {
		errs.add(path, "want %s, not %s", want, kindName(n))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(n.Value)
		return
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var x int64
		if err := n.Decode(&x); err != nil || v.OverflowInt(x) {
			errs.add(path, "want %s in range", want)
			return
		}
		v.SetInt(x)
		return
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var x uint64
		if err := n.Decode(&x); err != nil || v.OverflowUint(x) {
			errs.add(path, "want %s in range", want)
			return
		}
		v.SetUint(x)
		return
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		errs.add(path, "want %s", want)
	}
}

// expected describes the values a kind of field takes, and the YAML tags
// that carry them.
func expected(k reflect.Kind) (want, tags string) {
	switch k {
	case reflect.String:
		return "a string", "!!str"
	case reflect.Bool:
		return "true or false", "!!bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer", "!!int"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer", "!!int"
	case reflect.Float32, reflect.Float64:
		return "a number", "!!int !!float"
	}
	return "", ""
}

// decodeText decodes a scalar through the field's UnmarshalText. Only
// errors known not to quote the value are shown.
func decodeText(errs *collector, path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.ScalarNode {
		errs.add(path, "want a single value, not %s", kindName(n))
		return
	}
	err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.Value))
	switch {
	case err == nil:
	case v.Type() == dialectType:
		errs.add(path, "unknown dialect: want postgres, mysql or sqlite")
	case v.Type() == reflect.TypeFor[Duration]():
		errs.wrap(path, err) // Duration's errors never quote the value
	default:
		errs.add(path, "invalid %s value", v.Type().Name())
	}
}

func decodeStruct(errs *collector, path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		errs.add(path, "want a mapping, not %s", kindName(n))
		return
	}
	fields := map[string]int{}
	var known []string
	for i := 0; i < v.NumField(); i++ {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			fields[name] = i
			known = append(known, name)
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		idx, ok := fields[key]
		if !ok {
			errs.add(join(path, key), "unknown key (known keys here: %s)", strings.Join(known, ", "))
			continue
		}
		decodeNode(errs, join(path, key), n.Content[i+1], v.Field(idx))
	}
}

// hasDuplicateKey reports (and records) a key given twice in one mapping:
// the second would silently replace the first.
func hasDuplicateKey(errs *collector, path string, n *yaml.Node) bool {
	seen := make(map[string]int, len(n.Content)/2)
	dup := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if line, ok := seen[k.Value]; ok {
			errs.add(join(path, k.Value), "key already defined (line %d and line %d)", line, k.Line)
			dup = true
		}
		seen[k.Value] = k.Line
	}
	return dup
}

// join appends key to path. A key that is not a plain name is quoted, and
// one that looks like a DSN (a misplaced value) is shown redacted.
func join(path, key string) string {
	switch {
	case key == "":
		key = `""`
	case dsn.LooksLikeDSN(key):
		key = dsn.Show(key)
	case !dsn.Plain(key) && !plainKey(key):
		key = "(a key not shown)"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// plainKey reports whether key may be shown: a node name such as
// "main.replicas[0]", a table or column name, or another name without
// control characters, quotes or DSN punctuation.
func plainKey(key string) bool {
	return len(key) <= 128 && !strings.ContainsAny(key, "\t\n\r\v\f'\"`:@=$%&?#") && strconv.CanBackquote(key)
}

// kindName names what a node holds, never its value.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!str":
		return "a string"
	case "!!int":
		return "an integer"
	case "!!float":
		return "a float"
	case "!!bool":
		return "a bool"
	case "!!null":
		return "null"
	}
	return "a scalar of another type"
}
