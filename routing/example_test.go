package routing_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/grantsql/grant/routing"
)

// Reads go to a replica; ForcePrimary sends them to the primary, for
// example right after a change the user must see at once.
func ExampleForcePrimary() {
	ctx := routing.ForcePrimary(context.Background())
	role, forced := routing.FromContext(ctx).ForcedRole()
	fmt.Println(role, forced)
	// Output: primary true
}

// ForceReplica sends reads to a replica even right after a write, for
// reports that may be slightly stale; writes under it are refused.
func ExampleForceReplica() {
	ctx := routing.ForceReplica(context.Background())
	role, forced := routing.FromContext(ctx).ForcedRole()
	fmt.Println(role, forced)
	// The last of ForcePrimary and ForceReplica wins.
	role, _ = routing.FromContext(routing.ForcePrimary(ctx)).ForcedRole()
	fmt.Println(role)
	// Output:
	// replica true
	// primary
}

// UseDatabase sends a context's statements to another database of the
// cluster.
func ExampleUseDatabase() {
	ctx := routing.UseDatabase(context.Background(), "analytics")
	fmt.Println(routing.FromContext(ctx).Database())
	// Output: analytics
}

// PreventWrites makes a write fail before it reaches any server, with an
// error naming the statement kind; db.ExecContext(ctx, "DELETE ...") then
// returns an error matching routing.ErrReadOnly.
func ExamplePreventWrites() {
	ctx := routing.PreventWrites(context.Background())
	fmt.Println(routing.FromContext(ctx).WritesPrevented())
	fmt.Println(routing.FromContext(routing.AllowWrites(ctx)).WritesPrevented())

	err := error(&routing.ReadOnlyError{Database: "main", By: routing.ByPreventWrites})
	fmt.Println(errors.Is(err, routing.ErrReadOnly))
	// Output:
	// true
	// false
	// true
}

// One Session per request: the request's reads see its own writes. Its
// token, kept in a cookie, carries them to the next request, on any
// process.
func ExampleWithSession() {
	cookie := "" // from the request; empty on the first one
	tok, err := routing.ParseToken(cookie)
	if err != nil {
		tok = routing.Token{} // a forged or stale cookie: start afresh
	}
	sess := routing.NewSession()
	sess.Merge(tok)
	ctx := routing.WithSession(context.Background(), sess)

	_ = ctx // db.ExecContext(ctx, ...); db.QueryContext(ctx, ...)

	cookie = sess.Token().String() // store it with the response
	fmt.Printf("%q\n", cookie)
	// Output: ""
}

// WithToken honours the writes a token records without recording new ones.
func ExampleWithToken() {
	tok, err := routing.ParseToken("g1.bWFpbj1wZzowLzE2QjM3NDhAMTc2NzMyMzA0NTAwMA")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := routing.WithToken(context.Background(), tok)
	fmt.Println(routing.FromContext(ctx).Token().Position("main"))

	_, err = routing.ParseToken("forged")
	fmt.Println(errors.Is(err, routing.ErrInvalidToken))
	// Output:
	// pg:0/16B3748
	// true
}
