package grant

import (
	"context"
	"database/sql/driver"

	"github.com/grantsql/grant/internal/engine"
)

// Conn is a virtual connection: the session database/sql pools. Outside a
// transaction it holds no physical connection between statements, unless a
// statement left session state (SET, a temporary table, an advisory lock,
// ...) on one: the session is then pinned to that connection until
// database/sql takes the session back. When database/sql pools the
// connection it holds no physical connection at all. It implements every
// optional connection interface of database/sql/driver.
type Conn struct {
	s *engine.Session
}

var (
	_ driver.Conn               = (*Conn)(nil)
	_ driver.ConnBeginTx        = (*Conn)(nil)
	_ driver.ConnPrepareContext = (*Conn)(nil)
	_ driver.ExecerContext      = (*Conn)(nil)
	_ driver.QueryerContext     = (*Conn)(nil)
	_ driver.Pinger             = (*Conn)(nil)
	_ driver.SessionResetter    = (*Conn)(nil)
	_ driver.Validator          = (*Conn)(nil)
	_ driver.NamedValueChecker  = (*Conn)(nil)
)

// CheckNamedValue accepts every argument unchanged: the statement is not
// routed yet, so the real driver that will convert it is not known. Grant
// converts the arguments for that driver just before executing, as
// database/sql would have.
func (vc *Conn) CheckNamedValue(*driver.NamedValue) error { return nil }

// Prepare prepares a virtual statement; see PrepareContext.
func (vc *Conn) Prepare(query string) (driver.Stmt, error) {
	return vc.PrepareContext(context.Background(), query)
}

// PrepareContext returns a virtual statement. It contacts no server: each
// execution is routed on its own, and runs as a statement prepared on the
// physical connection it lands on, kept there for later executions.
func (vc *Conn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	if !vc.s.Usable() {
		return nil, driver.ErrBadConn
	}
	return &Stmt{s: vc.s, query: query}, nil
}

// QueryContext routes and runs a query.
func (vc *Conn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return vc.s.Query(ctx, q, args, false)
}

// ExecContext routes and runs a statement that returns no rows.
func (vc *Conn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return vc.s.Exec(ctx, q, args, false)
}

// Begin starts a transaction with default options.
func (vc *Conn) Begin() (driver.Tx, error) {
	return vc.BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx starts a transaction where routing puts it (the primary; a
// replica for a READ ONLY transaction when read_only_transactions is
// replica; the pinned connection of a pinned session), passing the
// isolation level and read-only flag to the real driver. Without sharding
// it begins at once on the target database; with sharding each database
// begins at the transaction's first statement there.
func (vc *Conn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := vc.s.Begin(ctx, opts)
	if err != nil {
		return nil, err
	}
	return tx, nil
}

// Ping checks the primary of the target database.
func (vc *Conn) Ping(ctx context.Context) error { return vc.s.Ping(ctx) }

// ResetSession is called by database/sql before it reuses the session for
// another caller: pinned connections go back to their pools.
func (vc *Conn) ResetSession(context.Context) error {
	if !vc.s.Release() {
		return driver.ErrBadConn
	}
	return nil
}

// IsValid is called by database/sql when it takes the session back into
// its pool: the session gives back every physical connection it holds, so
// an idle virtual connection holds none. It reports whether the session
// can be pooled.
func (vc *Conn) IsValid() bool { return vc.s.Release() }

// Close ends the session, rolling back an unfinished transaction.
func (vc *Conn) Close() error { return vc.s.Close() }

// Raw calls fn with the real driver connection (for example pgx's
// *stdlib.Conn, whose Conn().CopyFrom Grant does not otherwise expose) of
// the primary of the target database, or of the open transaction's
// participant there (which then counts as written to). The connection must
// not be used after fn returns.
//
//	conn.Raw(func(dc any) error {
//		return dc.(*grant.Conn).Raw(ctx, func(real any) error {
//			_, err := real.(*stdlib.Conn).Conn().CopyFrom(ctx, ...)
//			return err
//		})
//	})
func (vc *Conn) Raw(ctx context.Context, fn func(driverConn any) error) error {
	return vc.s.Raw(ctx, fn)
}
