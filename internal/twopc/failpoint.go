//go:build !grant_failpoints

package twopc

// Failpoint marks a step of the two-phase commit where the crash tests
// kill the coordinator. Normal builds compile it to nothing; see
// failpoint_on.go.
func Failpoint(string) {}
