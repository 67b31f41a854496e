package wire

import (
	"errors"
	"fmt"

	"github.com/grantsql/grant/sharding"
)

// Code says how a plugin answered one key.
type Code = byte

// The answer codes; the sharding errors a plugin returns travel as codes.
const (
	CodeOK      Code = iota // the text is the database that holds the key
	CodeNoShard             // sharding.ErrNoShard: no database holds it
	CodeNullKey             // sharding.ErrNullKey
	CodeKeyType             // sharding.ErrKeyType
	CodeError               // another error
)

// The status byte of a reply.
const (
	statusOK    byte = 0 // answers follow
	statusError byte = 1 // the request failed as a whole: a message follows
)

// ErrReply is the error of a reply that breaks the protocol or does not fit
// the request, and of a request the plugin refused as a whole.
var ErrReply = errors.New("invalid plugin reply")

// CodeOf returns the code of a resolver's error.
func CodeOf(err error) Code {
	switch {
	case errors.Is(err, sharding.ErrNoShard):
		return CodeNoShard
	case errors.Is(err, sharding.ErrNullKey):
		return CodeNullKey
	case errors.Is(err, sharding.ErrKeyType):
		return CodeKeyType
	}
	return CodeError
}

// Sentinel returns the sharding error a code stands for, or nil for
// CodeOK and CodeError.
func Sentinel(c Code) error {
	switch c {
	case CodeNoShard:
		return sharding.ErrNoShard
	case CodeNullKey:
		return sharding.ErrNullKey
	case CodeKeyType:
		return sharding.ErrKeyType
	}
	return nil
}

// appendAnswer appends one answer of a reply.
func appendAnswer(dst []byte, c Code, text string) []byte {
	return appendString(append(dst, c), text)
}

// appendFailure appends the frame of a reply that fails the whole request
// with msg.
func appendFailure(dst []byte, msg string) []byte {
	dst, start := beginFrame(dst)
	dst = appendString(append(dst, statusError), msg)
	out, err := finishFrame(dst, start)
	if err != nil { // a message above MaxFrame: say so instead
		return appendFailure(out, "the error message is above the frame size limit")
	}
	return out
}

// Reply is the decoded reply to a batch: one answer per key.
type Reply struct {
	body    []byte
	answers []answer
	one     [1]answer // the answers of a batch of one key
}

// answer is one key's code and the span of its text in the reply's body.
type answer struct {
	code     Code
	off, end int
}

// Len returns the number of answers.
func (r *Reply) Len() int { return len(r.answers) }

// Code returns the code of answer i.
func (r *Reply) Code(i int) Code { return r.answers[i].code }

// Text returns the text of answer i: the database for CodeOK, the error's
// text otherwise. It is valid as long as the Reply.
func (r *Reply) Text(i int) []byte {
	a := r.answers[i]
	return r.body[a.off:a.end:a.end]
}

// DecodeReply reads the body of a reply frame to a batch of n keys. The
// Reply keeps body. Every error wraps ErrReply.
func DecodeReply(body []byte, n int) (*Reply, error) {
	d := decoder{b: body}
	if len(body) == 0 {
		return nil, fmt.Errorf("%w: empty reply", ErrReply)
	}
	status := body[0]
	d.b = d.b[1:]
	switch status {
	case statusError:
		msg := d.bytes()
		if d.err != nil || len(d.b) != 0 {
			return nil, fmt.Errorf("%w: malformed failure", ErrReply)
		}
		return nil, fmt.Errorf("%w: %s", ErrReply, msg)
	case statusOK:
	default:
		return nil, fmt.Errorf("%w: unknown status %d", ErrReply, status)
	}
	if got := d.count(); d.err != nil || got != n {
		return nil, fmt.Errorf("%w: %d answers for %d keys", ErrReply, got, n)
	}
	r := &Reply{body: body}
	if r.answers = r.one[:]; n != 1 {
		r.answers = make([]answer, n)
	}
	for i := range r.answers {
		if len(d.b) == 0 || d.b[0] > CodeError {
			return nil, fmt.Errorf("%w: bad code of answer %d", ErrReply, i)
		}
		c := d.b[0]
		d.b = d.b[1:]
		text := d.bytes()
		if d.err != nil {
			return nil, fmt.Errorf("%w: answer %d: %v", ErrReply, i, d.err)
		}
		end := len(body) - len(d.b)
		r.answers[i] = answer{code: c, off: end - len(text), end: end}
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%w: trailing bytes", ErrReply)
	}
	return r, nil
}
