package registry

import "context"

// The purposes of the statements Grant runs on a node for its own needs,
// beside the application's (see WithPurpose).
const (
	// PurposeCatalog reads a server's catalog: the unique keys of a table,
	// the collations of its text columns. Once per table, then cached.
	PurposeCatalog = "catalog"
)

type purposeKey struct{}

// WithPurpose marks ctx as the context of statements Grant runs for its
// own needs (PurposeCatalog), not ones the application sent. Interceptors
// (WithInterceptors) tell them apart with Purpose: OpenTelemetry spans of
// catalog reads are named grant.catalog, not grant.query.
func WithPurpose(ctx context.Context, purpose string) context.Context {
	return context.WithValue(ctx, purposeKey{}, purpose)
}

// Purpose returns the purpose ctx was marked with by WithPurpose, or "" for
// the application's own statements.
func Purpose(ctx context.Context) string {
	p, _ := ctx.Value(purposeKey{}).(string)
	return p
}
