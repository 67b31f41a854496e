package sanitize

import (
	"reflect"
	"strings"
)

// namedValues looks up the value of a :name placeholder in a map or struct.
type namedValues struct {
	m  map[string]any
	rv reflect.Value // a map with string keys, or a struct; invalid for m or a nil pointer
}

func newNamedValues(v any) namedValues {
	if m, ok := v.(map[string]any); ok {
		return namedValues{m: m}
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return namedValues{}
		}
		rv = rv.Elem()
	}
	return namedValues{rv: rv}
}

func (n namedValues) lookup(name string) (any, bool) {
	if n.m != nil {
		v, ok := n.m[name]
		return v, ok
	}
	switch n.rv.Kind() {
	case reflect.Map:
		k := reflect.ValueOf(name).Convert(n.rv.Type().Key())
		v := n.rv.MapIndex(k)
		if !v.IsValid() {
			return nil, false
		}
		return v.Interface(), true
	case reflect.Struct:
		return structField(n.rv, name)
	}
	return nil, false
}

// structField finds the exported field whose `db` tag is name or, without a
// tag, whose name equals name ignoring case. Fields of embedded structs are
// found as Go promotes them; a field behind a nil embedded pointer is NULL.
func structField(rv reflect.Value, name string) (any, bool) {
	for _, f := range reflect.VisibleFields(rv.Type()) {
		if !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("db"), ",")
		if tag == "-" {
			continue
		}
		if tag != "" && tag != name || tag == "" && !strings.EqualFold(f.Name, name) {
			continue
		}
		fv, err := rv.FieldByIndexErr(f.Index)
		if err != nil {
			return nil, true
		}
		return fv.Interface(), true
	}
	return nil, false
}
