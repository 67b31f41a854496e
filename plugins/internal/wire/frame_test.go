package wire

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/sharding"
)

// stub answers "ns", "null", "type" and "err" with errors, and s0 for
// other keys; "hang" answers late.
type stub struct{}

func (stub) Resolve(ctx context.Context, key []any) (string, error) {
	if len(key) == 0 {
		return "", sharding.ErrKeyType
	}
	switch key[0] {
	case "ns":
		return "", sharding.ErrNoShard
	case "null":
		return "", sharding.ErrNullKey
	case "type":
		return "", sharding.ErrKeyType
	case "err":
		return "", errors.New("no: boom")
	case "hang": // past the end of the request's context
		<-ctx.Done()
		time.Sleep(200 * time.Millisecond)
		return "", ctx.Err()
	}
	return "s0", nil
}

// batchStub is a BatchResolver answering dbs, or err.
type batchStub struct {
	stub
	dbs []string
	err error
}

func (b batchStub) ResolveBatch(context.Context, [][]any) ([]string, error) { return b.dbs, b.err }

// request returns the body of a request frame for keys.
func request(t testing.TB, timeout time.Duration, keys ...[]any) []byte {
	f, err := AppendRequest(nil, timeout, encode(t, keys...))
	require.NoError(t, err)
	return frameBody(t, f)
}

// frameBody checks that f is one whole frame and returns its body.
func frameBody(t testing.TB, f []byte) []byte {
	body, err := readFrame(bufio.NewReader(bytes.NewReader(f)), nil)
	require.NoError(t, err)
	require.Len(t, f, headerSize+len(body), "one frame")
	return body
}

func TestRequestRoundTrip(t *testing.T) {
	body := request(t, 150*time.Millisecond, []any{"DE"}, []any{int64(7), true})
	timeout, batch, err := DecodeRequest(body)
	require.NoError(t, err)
	assert.Equal(t, 150*time.Millisecond, timeout)
	keys, err := Decode(batch)
	require.NoError(t, err)
	assert.Equal(t, [][]any{{"DE"}, {int64(7), true}}, keys)

	_, _, err = DecodeRequest([]byte{0x80})
	require.ErrorIs(t, err, ErrMalformed)
	prefix := []byte("keep")
	out, err := AppendRequest(prefix, 0, make([]byte, MaxFrame))
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Equal(t, []byte("keep"), out, "nothing appended")
}

func TestReadFrame(t *testing.T) {
	read := func(b []byte) ([]byte, error) { return readFrame(bufio.NewReader(bytes.NewReader(b)), nil) }
	_, err := read(nil)
	assert.ErrorIs(t, err, io.EOF, "no frame at all")
	_, err = read([]byte{0, 0})
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "a short prefix")
	_, err = read([]byte{0, 0, 0, 3, 'a'})
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "a short body")
	big := binary.BigEndian.AppendUint32(nil, MaxFrame+1)
	_, err = read(big)
	assert.ErrorIs(t, err, ErrTooLarge)
	body, err := read([]byte{0, 0, 0, 0})
	require.NoError(t, err)
	assert.Empty(t, body)

	r := bufio.NewReader(bytes.NewReader([]byte{0, 0, 0, 2, 'a', 'b', 0, 0, 0, 1, 'c'}))
	buf := make([]byte, 0, 8)
	body, err = readFrame(r, buf)
	require.NoError(t, err)
	assert.Equal(t, "ab", string(body))
	body, err = readFrame(r, body[:0])
	require.NoError(t, err)
	assert.Equal(t, "c", string(body), "frames follow each other; the buffer is reused")
	assert.Nil(t, reuse(make([]byte, keepBuffer+1)), "a grown buffer is dropped")
}

// answers returns the codes and texts of a reply.
func answers(r *Reply) ([]Code, []string) {
	var codes []Code
	var texts []string
	for i := range r.Len() {
		codes, texts = append(codes, r.Code(i)), append(texts, string(r.Text(i)))
	}
	return codes, texts
}

func TestAnswer(t *testing.T) {
	keys := [][]any{{"a"}, {"ns"}, {"null"}, {"type"}, {"err"}}
	srv := &Server{Impl: stub{}}
	r, err := DecodeReply(frameBody(t, srv.Answer(nil, request(t, time.Second, keys...))), len(keys))
	require.NoError(t, err)
	codes, texts := answers(r)
	assert.Equal(t, []Code{CodeOK, CodeNoShard, CodeNullKey, CodeKeyType, CodeError}, codes)
	assert.Equal(t, "s0", texts[0])
	assert.Equal(t, "no: boom", texts[4])
	assert.Equal(t, sharding.ErrNoShard, Sentinel(CodeNoShard))
	assert.Nil(t, Sentinel(CodeError))

	_, err = DecodeReply(frameBody(t, srv.Answer(nil, request(t, 0, keys...))), 4)
	require.ErrorIs(t, err, ErrReply, "an answer count that does not fit the request")
	_, err = DecodeReply(frameBody(t, srv.Answer(nil, []byte{0, 9})), 1)
	require.ErrorIs(t, err, ErrReply, "a malformed request fails as a whole")
	assert.Contains(t, err.Error(), "malformed key batch")

	out := srv.Answer([]byte("prefix"), request(t, 0, []any{"a"}))
	assert.Equal(t, "prefix", string(out[:6]), "Answer appends")
}

func TestAnswerBatch(t *testing.T) {
	keys := [][]any{{"a"}, {"b"}}
	body := request(t, 0, keys...)
	answer := func(b batchStub) (*Reply, error) {
		return DecodeReply(frameBody(t, (&Server{Impl: b}).Answer(nil, body)), len(keys))
	}
	r, err := answer(batchStub{dbs: []string{"s1", "s2"}})
	require.NoError(t, err)
	_, texts := answers(r)
	assert.Equal(t, []string{"s1", "s2"}, texts)

	r, err = answer(batchStub{err: sharding.ErrNoShard})
	require.NoError(t, err)
	codes, _ := answers(r)
	assert.Equal(t, []Code{CodeNoShard, CodeNoShard}, codes, "a batch's error fails every key")

	_, err = answer(batchStub{dbs: []string{"s1"}})
	require.ErrorIs(t, err, ErrReply)
	assert.Contains(t, err.Error(), "ResolveBatch returned 1 databases for 2 keys")
}

func TestDecodeReplyMalformed(t *testing.T) {
	for _, b := range [][]byte{
		nil, {7}, {statusError}, {statusError, 3, 'a'}, {statusError, 1, 'a', 'b'},
		{statusOK}, {statusOK, 2, CodeOK, 0}, {statusOK, 1, 9, 0}, {statusOK, 1, CodeOK, 3, 'a'},
		{statusOK, 1, CodeOK, 1, 'a', 'b'}, {statusOK, 1},
	} {
		_, err := DecodeReply(b, 1)
		assert.ErrorIs(t, err, ErrReply, "%v", b)
	}
	_, err := DecodeReply(appendFailure(nil, strings.Repeat("x", 3))[headerSize:], 1)
	assert.ErrorContains(t, err, "invalid plugin reply: xxx")
}

// FuzzDecodeReply checks that any reply body decodes to an error or to n
// answers whose texts lie in the body, never to a panic.
func FuzzDecodeReply(f *testing.F) {
	f.Add((&Server{Impl: stub{}}).Answer(nil, request(f, 0, []any{"a"}, []any{"err"}))[headerSize:], 2)
	f.Add([]byte{statusError, 1, 'x'}, 1)
	f.Add([]byte{statusOK, 1, CodeOK, 200, 1}, 1)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		if n < 0 || n > 1<<16 {
			return
		}
		r, err := DecodeReply(b, n)
		if err != nil {
			require.ErrorIs(t, err, ErrReply)
			return
		}
		require.Equal(t, n, r.Len())
		for i := range n {
			require.LessOrEqual(t, r.Code(i), CodeError)
			_ = r.Text(i)
		}
	})
}

// FuzzAnswer checks that the plugin answers any request body with one
// well-formed reply frame, never with a panic.
func FuzzAnswer(f *testing.F) {
	f.Add(request(f, time.Second, []any{"DE"}, []any{int64(1), 2.5, true, []byte{0}}))
	f.Add([]byte{0, 1, 1, kindTime, 15})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	srv := &Server{Impl: stub{}}
	f.Fuzz(func(t *testing.T, body []byte) {
		if bytes.Contains(body, []byte("hang")) {
			return // the stub would wait for the request's timeout
		}
		reply := frameBody(t, srv.Answer(nil, body))
		_, batch, err := DecodeRequest(body)
		var keys [][]any
		if err == nil {
			keys, err = Decode(batch)
		}
		r, rerr := DecodeReply(reply, len(keys))
		if err != nil {
			require.ErrorContains(t, rerr, err.Error())
			return
		}
		require.NoError(t, rerr)
		require.Equal(t, len(keys), r.Len())
	})
}

// FuzzReadFrame checks that a stream of frames reads to frames or an
// error, never to a panic.
func FuzzReadFrame(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, 'a', 'b', 0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bufio.NewReader(bytes.NewReader(b))
		var buf []byte
		for {
			body, err := readFrame(r, buf)
			if err != nil {
				return
			}
			require.LessOrEqual(t, len(body), MaxFrame)
			buf = reuse(body)
		}
	})
}
