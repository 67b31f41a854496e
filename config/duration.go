package config

import "github.com/grantsql/grant/routing/routecfg"

// Duration is a time.Duration written in files as a Go duration string
// ("2s", "150ms", "1h30m"); negative durations are refused. It is the type
// the routing section uses too, defined there because routecfg imports
// nothing of Grant's.
type Duration = routecfg.Duration
