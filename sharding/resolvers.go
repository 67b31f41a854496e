package sharding

import (
	"errors"
	"io"
)

// Resolvers are the resolvers of one configuration, by name, each built
// once: a Connector builds them when it opens and closes them when it
// closes.
type Resolvers map[string]Resolver

// Build builds every resolver of c once, from r's types, checking the
// databases they name against known. On an error it closes those it built.
func (r *Registry) Build(c *Config, known []string) (Resolvers, error) {
	out := Resolvers{}
	if c == nil {
		return out, nil
	}
	for _, name := range sortedKeys(c.Resolvers) {
		res, err := r.New(name, c.Resolvers[name], known)
		if err != nil {
			out.Close()
			return nil, err
		}
		out[name] = res
	}
	return out, nil
}

// Build builds the resolvers of c from the default Registry; see
// Registry.Build.
func Build(c *Config, known []string) (Resolvers, error) {
	return defaultResolverRegistry.Build(c, known)
}

// Close closes every resolver that implements io.Closer (a plugin's
// process, a connection) and returns their errors joined.
func (rs Resolvers) Close() error {
	var errs []error
	for name, res := range rs {
		if c, ok := res.(io.Closer); ok {
			if err := c.Close(); err != nil {
				errs = append(errs, &ConfigError{Path: resolverPath(name), Message: "closing: " + err.Error()})
			}
		}
	}
	return errors.Join(errs...)
}

// closeResolver closes res when it is an io.Closer.
func closeResolver(res Resolver) {
	if c, ok := res.(io.Closer); ok {
		_ = c.Close()
	}
}
