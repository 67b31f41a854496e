package interceptors

import (
	"context"
	"database/sql/driver"

	"github.com/ngrok/sqlmw"
)

// wrappedTx is a transaction seen through one interceptor.
type wrappedTx struct {
	intr   sqlmw.Interceptor
	ctx    context.Context
	parent driver.Tx
}

func (t wrappedTx) Commit() error   { return t.intr.TxCommit(t.ctx, t.parent) }
func (t wrappedTx) Rollback() error { return t.intr.TxRollback(t.ctx, t.parent) }

// wrappedResult is a result seen through one interceptor.
type wrappedResult struct {
	intr   sqlmw.Interceptor
	parent driver.Result
}

func (r wrappedResult) LastInsertId() (int64, error) { return r.intr.ResultLastInsertId(r.parent) }
func (r wrappedResult) RowsAffected() (int64, error) { return r.intr.ResultRowsAffected(r.parent) }
