package registry_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/grantsql/grant/registry"
)

func TestPurpose(t *testing.T) {
	ctx := context.Background()
	assert.Empty(t, registry.Purpose(ctx), "the application's statements have none")
	cctx := registry.WithPurpose(ctx, registry.PurposeCatalog)
	assert.Equal(t, "catalog", registry.Purpose(cctx))
	assert.Empty(t, registry.Purpose(ctx), "the parent is unchanged")
}
