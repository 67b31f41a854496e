package sharding

import (
	"errors"
	"slices"
	"strings"
	"sync"
)

// Factory builds a resolver of one type from its specification. name is the
// resolver's name in the configuration; errors should be *ConfigError values
// whose Path starts with sharding.resolvers.<name> (other errors are wrapped
// into one). A factory is pure: no I/O beyond what its type is for.
type Factory func(name string, spec Spec) (Resolver, error)

// A Registry holds resolver types and named Funcs. It is safe for concurrent
// use. The package-level Register, RegisterFunc and New use a default
// Registry; NewRegistry makes an independent one.
type Registry struct {
	mu    sync.RWMutex
	types map[string]Type
	funcs map[string]Func
}

// Type is a resolver type: how to build a resolver of it, and how to check
// a specification without building one.
type Type struct {
	// New builds a resolver. It runs once per resolver per Connector.
	New Factory
	// Check, when set, checks a specification without building anything
	// (configuration validation must not start what New starts, such as a
	// plugin process). Without it a specification is checked by building a
	// resolver with New and closing it (io.Closer) at once, which suits
	// types whose New is pure.
	Check func(name string, spec Spec) error
}

// The built-in resolver types.
var builtinResolverTypes = map[string]Factory{
	"modulo": newModuloResolver,
	"hash":   newHashResolver,
	"range":  newRangeResolver,
	"list":   newListResolver,
}

// funcResolverType is the type that calls the Func named by Spec.Func.
const funcResolverType = "func"

// pluginResolverType is the type package plugins registers: a resolver in
// an executable of its own. Programs that use it import that package, which
// brings in hashicorp/go-plugin and gRPC.
const pluginResolverType = "plugin"

// NewRegistry returns a Registry holding the built-in types modulo, hash,
// range, list and func, and no Funcs.
func NewRegistry() *Registry {
	r := &Registry{types: make(map[string]Type), funcs: make(map[string]Func)}
	for name, f := range builtinResolverTypes {
		r.types[name] = Type{New: f}
	}
	return r
}

var defaultResolverRegistry = NewRegistry()

// DefaultRegistry returns the Registry that Register, RegisterFunc and New
// use.
func DefaultRegistry() *Registry { return defaultResolverRegistry }

// Register adds a resolver type to the default Registry. See Registry.Register.
func Register(typeName string, factory Factory) { defaultResolverRegistry.Register(typeName, factory) }

// RegisterFunc adds a Func to the default Registry. See Registry.RegisterFunc.
func RegisterFunc(name string, fn Func) { defaultResolverRegistry.RegisterFunc(name, fn) }

// New builds a resolver from the default Registry. See Registry.New.
func New(name string, spec Spec, known []string) (Resolver, error) {
	return defaultResolverRegistry.New(name, spec, known)
}

// Types returns the type names of the default Registry. See Registry.Types.
func Types() []string { return defaultResolverRegistry.Types() }

// Register adds the resolver type typeName, built by factory. Like
// database/sql.Register, it panics if typeName is empty or already used (by a
// type or a Func) or factory is nil: registration happens once, at program
// start, and a clash is a programming error.
func (r *Registry) Register(typeName string, factory Factory) {
	r.RegisterType(typeName, Type{New: factory})
}

// RegisterType adds the resolver type typeName; it panics like Register
// when t.New is nil or the name is taken.
func (r *Registry) RegisterType(typeName string, t Type) {
	if t.New == nil {
		panic("sharding: Register of type " + typeName + " with a nil Factory")
	}
	r.add(typeName, func() { r.types[typeName] = t })
}

// RegisterFunc adds fn under name. A resolver then uses it either as
// {type: func, func: name} or directly as {type: name}; both need databases,
// listing every database fn can return. RegisterFunc panics like Register
// when name is empty or already used, or fn is nil.
func (r *Registry) RegisterFunc(name string, fn Func) {
	if fn == nil {
		panic("sharding: RegisterFunc of " + name + " with a nil Func")
	}
	r.add(name, func() { r.funcs[name] = fn })
}

func (r *Registry) add(name string, set func()) {
	if name == "" {
		panic("sharding: Register with an empty name")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, isType := r.types[name]
	_, isFunc := r.funcs[name]
	if isType || isFunc || name == funcResolverType {
		panic("sharding: Register called twice for " + name)
	}
	set()
}

// Types returns the registered type names and Func names, sorted.
func (r *Registry) Types() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := []string{funcResolverType}
	for n := range r.types {
		names = append(names, n)
	}
	for n := range r.funcs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// New builds the resolver called name from spec. It checks every database
// name spec holds (databases, ranges[i].database, values, default) against
// known, then builds the resolver with its type's Factory, then checks that
// every database the resolver reports is in known. A nil known skips both
// checks; an empty one rejects every database. Errors are *ConfigError values
// (errors.Is(err, ErrConfig)) whose Path is the configuration key, as in
//
//	sharding.resolvers.by_customer.databases[2]: unknown database "s9"
func (r *Registry) New(name string, spec Spec, known []string) (Resolver, error) {
	p := resolverPath(name)
	if err := r.precheck(name, spec, known); err != nil {
		return nil, err
	}
	res, err := r.build(name, spec)
	if err != nil {
		return nil, asConfigError(p, err)
	}
	if res == nil {
		return nil, resolverConfigErrorf(p, "type %q built no resolver", spec.Type)
	}
	if known != nil {
		for _, db := range res.Databases() {
			if !slices.Contains(known, db) {
				closeResolver(res)
				return nil, resolverConfigErrorf(p, "resolver can return unknown database %q", db)
			}
		}
	}
	return res, nil
}

// precheck checks what every specification needs: a name, a type, and
// databases among known.
func (r *Registry) precheck(name string, spec Spec, known []string) error {
	if name == "" {
		return resolverConfigErrorf("sharding.resolvers", "a resolver has an empty name")
	}
	if spec.Type == "" {
		return resolverConfigErrorf(resolverPath(name)+".type", "required: one of %s", strings.Join(r.Types(), ", "))
	}
	return spec.checkDatabases(resolverPath(name), known)
}

// Check checks the specification of the resolver called name against the
// databases known, as New does, without keeping a resolver: with the
// type's Check when it has one, else by building a resolver and closing it.
func (r *Registry) Check(name string, spec Spec, known []string) error {
	r.mu.RLock()
	t, isType := r.types[spec.Type]
	r.mu.RUnlock()
	if isType && t.Check != nil {
		if err := r.precheck(name, spec, known); err != nil {
			return err
		}
		return asConfigError(resolverPath(name), t.Check(name, spec))
	}
	res, err := r.New(name, spec, known)
	if err == nil {
		closeResolver(res)
	}
	return err
}

func asConfigError(path string, err error) error {
	var ce *ConfigError
	if err == nil || errors.As(err, &ce) {
		return err
	}
	return &ConfigError{Path: path, Message: err.Error()}
}

func (r *Registry) build(name string, spec Spec) (Resolver, error) {
	p := resolverPath(name)
	r.mu.RLock()
	t, isType := r.types[spec.Type]
	fnName := spec.Type
	if spec.Type == funcResolverType {
		fnName = spec.Func
	}
	fn, isFunc := r.funcs[fnName]
	r.mu.RUnlock()
	switch {
	case isType:
		return t.New(name, spec)
	case spec.Type == funcResolverType && spec.Func == "":
		return nil, resolverConfigErrorf(p+".func", "required: the name of a function registered with sharding.RegisterFunc")
	case spec.Type == funcResolverType && !isFunc:
		return nil, resolverConfigErrorf(p+".func", "no function %q is registered with sharding.RegisterFunc", spec.Func)
	case spec.Type == funcResolverType:
	case !isFunc && spec.Type == pluginResolverType:
		return nil, resolverConfigErrorf(p+".type", "resolver type %q is not registered: the program must import "+
			"github.com/grantsql/grant/plugins (import _ \"github.com/grantsql/grant/plugins\")", spec.Type)
	case !isFunc:
		return nil, resolverConfigErrorf(p+".type", "unknown resolver type %q: want one of %s", spec.Type, strings.Join(r.Types(), ", "))
	case spec.Func != "" && spec.Func != spec.Type:
		return nil, resolverConfigErrorf(p+".func", "is %q, but type %q already names a function", spec.Func, spec.Type)
	}
	return newFuncResolver(name, spec, fnName, fn)
}
