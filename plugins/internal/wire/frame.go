package wire

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

const (
	// MaxFrame is the largest frame either side accepts, in bytes (the
	// length prefix not counted).
	MaxFrame = 64 << 20
	// headerSize is the size of a frame's length prefix.
	headerSize = 4
	// keepBuffer is the largest buffer a connection keeps between calls.
	keepBuffer = 64 << 10
)

// ErrTooLarge is the error of a frame longer than MaxFrame.
var ErrTooLarge = errors.New("frame above the size limit")

// AppendRequest appends the frame of a request: the time the host waits
// (0: no limit) and a batch of keys. A frame above MaxFrame is an error
// wrapping ErrTooLarge, and dst is returned unchanged.
func AppendRequest(dst []byte, timeout time.Duration, batch []byte) ([]byte, error) {
	dst, start := beginFrame(dst)
	dst = binary.AppendUvarint(dst, uint64(max(timeout, 0)))
	dst = append(dst, batch...)
	return finishFrame(dst, start)
}

// DecodeRequest reads the body of a request frame: the time the host
// waits and the batch of keys (to decode with Decode).
func DecodeRequest(body []byte) (time.Duration, []byte, error) {
	t, n := binary.Uvarint(body)
	if n <= 0 || t > 1<<62 {
		return 0, nil, fmt.Errorf("%w: bad timeout", ErrMalformed)
	}
	return time.Duration(t), body[n:], nil
}

// beginFrame appends the room for a frame's length prefix and returns
// where the frame starts, for finishFrame.
func beginFrame(dst []byte) ([]byte, int) {
	return append(dst, make([]byte, headerSize)...), len(dst)
}

// finishFrame writes the length of the frame that starts at dst[start]
// into its prefix.
func finishFrame(dst []byte, start int) ([]byte, error) {
	n := len(dst) - start - headerSize
	if n > MaxFrame {
		return dst[:start], fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, n, MaxFrame)
	}
	binary.BigEndian.PutUint32(dst[start:], uint32(n))
	return dst, nil
}

// readFrame reads the body of the next frame from r into buf (grown when
// too short) and returns it. A frame above MaxFrame is an error wrapping
// ErrTooLarge, read no further.
func readFrame(r *bufio.Reader, buf []byte) ([]byte, error) {
	h, err := r.Peek(headerSize)
	if err != nil {
		if err == io.EOF && len(h) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	n := binary.BigEndian.Uint32(h)
	if n > MaxFrame {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, n, MaxFrame)
	}
	_, _ = r.Discard(headerSize)
	if uint32(cap(buf)) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}

// reuse returns buf emptied, or nil when it has grown too large to keep.
func reuse(buf []byte) []byte {
	if cap(buf) > keepBuffer {
		return nil
	}
	return buf[:0]
}
