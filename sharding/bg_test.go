package sharding

import "context"

// bg is the context of resolutions in tests.
var bg = context.Background()
