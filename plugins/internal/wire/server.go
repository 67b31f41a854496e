package wire

import (
	"context"
	"fmt"
	"time"
)

// Resolver is what a plugin implements (plugins.Resolver).
type Resolver interface {
	Resolve(ctx context.Context, key []any) (string, error)
}

// BatchResolver is a Resolver that answers a batch in one call
// (plugins.BatchResolver).
type BatchResolver interface {
	ResolveBatch(ctx context.Context, keys [][]any) ([]string, error)
}

// Server answers requests in the plugin process.
type Server struct{ Impl Resolver }

// Answer appends to dst the frame of the reply to a request (body: the
// request frame's body). It resolves the keys with the implementation's
// ResolveBatch when it has one and there are several keys, else key by
// key. A malformed request and a ResolveBatch that breaks its contract
// fail the whole request.
func (s *Server) Answer(dst, body []byte) []byte {
	timeout, batch, err := DecodeRequest(body)
	var keys [][]any
	if err == nil {
		keys, err = Decode(batch)
	}
	if err != nil {
		return appendFailure(dst, err.Error())
	}
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = newCallContext(time.Now().Add(timeout))
		defer cancel()
	}
	dst, start := beginFrame(dst)
	dst = AppendCount(append(dst, statusOK), len(keys))
	if b, ok := s.Impl.(BatchResolver); ok && len(keys) > 1 {
		dbs, err := b.ResolveBatch(ctx, keys)
		switch {
		case err != nil:
			code, msg := CodeOf(err), err.Error()
			for range keys {
				dst = appendAnswer(dst, code, msg)
			}
		case len(dbs) != len(keys):
			return appendFailure(dst[:start], fmt.Sprintf("ResolveBatch returned %d databases for %d keys", len(dbs), len(keys)))
		default:
			for _, db := range dbs {
				dst = appendAnswer(dst, CodeOK, db)
			}
		}
	} else {
		for _, key := range keys {
			db, err := s.Impl.Resolve(ctx, key)
			if err != nil {
				dst = appendAnswer(dst, CodeOf(err), err.Error())
				continue
			}
			dst = appendAnswer(dst, CodeOK, db)
		}
	}
	out, err := finishFrame(dst, start)
	if err != nil {
		return appendFailure(out, "the reply is too large: "+err.Error())
	}
	return out
}

// tokenWait bounds the wait for a new connection's token.
const tokenWait = 10 * time.Second
