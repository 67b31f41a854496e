package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/grantsql/grant"
	"github.com/grantsql/grant/config"
)

// usageError is a command line the command cannot run: its message, or ""
// when the flag package has printed it already.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// newFlags returns the flag set of a command, writing its errors and usage
// to stderr.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: grant %s %s\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; a -config flag, when the set has one, is
// required. It returns flag.ErrHelp for -h and a usageError otherwise.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return usageError{}
	}
	if f := fs.Lookup("config"); f != nil && f.Value.String() == "" {
		return usageError{"-config FILE is required"}
	}
	return nil
}

// openCluster loads the configuration file at path and opens a connector
// on it. The connector logs nothing and runs no background health checks:
// the commands probe the nodes themselves, when they want to.
func openCluster(path string, opts ...grant.Option) (*grant.Connector, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	cfg.Health.Disabled = true
	opts = append([]grant.Option{grant.WithLogger(slog.New(slog.DiscardHandler))}, opts...)
	return grant.NewConnector(cfg, opts...)
}

// dash returns s, or "-" when it is empty.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// yesNo returns "yes" or "no".
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
