//go:build race

package merge

// raceEnabled: the race detector slows the million-row memory test tenfold.
const raceEnabled = true
