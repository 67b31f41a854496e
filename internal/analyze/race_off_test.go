//go:build !race

package analyze

// raceEnabled is set when the tests run under the race detector.
const raceEnabled = false
