// Package ent is the ent client generated from ./schema for the
// compatibility tests. Regenerate it with `go generate ./...` in compat.
package ent

//go:generate go run -mod=mod entgo.io/ent/cmd/ent generate ./schema
