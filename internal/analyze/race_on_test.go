//go:build race

package analyze

// raceEnabled is set when the tests run under the race detector, whose cost
// grows with the heap and makes timing comparisons meaningless.
const raceEnabled = true
