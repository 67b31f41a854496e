package sharding

import (
	"context"
	"fmt"
)

// Func is a resolver written as a Go function, registered by name with
// RegisterFunc. It receives the statement's context and a key that is never
// NULL (NULL keys are rejected before the call) and returns a database
// name. It must be deterministic and
// safe for concurrent use; an error it returns reaches the caller wrapped in a
// *KeyError that unwraps to it.
type Func func(ctx context.Context, key Key) (database string, err error)

// funcResolver is the "func" type, and every type named after a registered
// Func.
type funcResolver struct {
	name     string
	fnName   string
	fn       Func
	distinct []string
}

func newFuncResolver(name string, spec Spec, fnName string, fn Func) (Resolver, error) {
	p := resolverPath(name)
	if err := spec.onlyFields(p, "databases", "func"); err != nil {
		return nil, err
	}
	if len(spec.Databases) == 0 {
		return nil, resolverConfigErrorf(p+".databases", "required: list every database the function %q can return", fnName)
	}
	return &funcResolver{name: name, fnName: fnName, fn: fn, distinct: dedupeDatabases(spec.Databases)}, nil
}

// Resolve rejects a NULL value, calls the function, and checks that the
// database it returns is one of the resolver's databases.
func (r *funcResolver) Resolve(ctx context.Context, key Key) (string, error) {
	if err := r.checkNull(key); err != nil {
		return "", err
	}
	db, err := r.fn(ctx, key)
	if err != nil {
		return "", &KeyError{Resolver: r.name, Key: key, Err: err,
			Reason: fmt.Sprintf("function %q: %v", r.fnName, err)}
	}
	for _, d := range r.distinct {
		if d == db {
			return db, nil
		}
	}
	return "", &KeyError{Resolver: r.name, Key: key, Err: ErrNoShard,
		Reason: fmt.Sprintf("function %q returned database %q, which is not in its databases %q", r.fnName, db, r.distinct)}
}

func (r *funcResolver) checkNull(key Key) error {
	if key.multi == nil {
		if _, err := keyScalarOf(key.one); err != nil {
			if ke := err.(*KeyError); ke.Err == ErrNullKey {
				return withKeyError(err, r.name, key)
			}
		}
		return nil
	}
	if len(key.multi) == 0 {
		return &KeyError{Resolver: r.name, Key: key, Err: ErrKeyType, Reason: "an empty composite key"}
	}
	for i, v := range key.multi {
		if _, err := keyScalarOf(v); err != nil {
			if ke := err.(*KeyError); ke.Err == ErrNullKey {
				return withKeyErrorAt(err, r.name, key, i)
			}
		}
	}
	return nil
}

// Databases returns the configured databases, each once, in list order.
func (r *funcResolver) Databases() []string { return append([]string(nil), r.distinct...) }
