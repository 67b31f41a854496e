//go:build !unix

package peers_test

import "time"

// processCPU returns 0 where getrusage is not available: no cpu-ns/op.
func processCPU() time.Duration { return 0 }
