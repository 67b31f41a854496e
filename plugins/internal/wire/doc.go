// Package wire is the protocol between Grant and a resolver plugin. They
// talk over two channels:
//
//   - the control channel is go-plugin's net/rpc connection (a Unix
//     socket with automatic mutual TLS, set up by go-plugin's handshake).
//     It carries one call, Control.Open, which returns the data channel's
//     Endpoint: the path of a Unix socket in a directory of the plugin's
//     own (mode 0700) and a random token of TokenSize bytes.
//   - the data channel carries the resolves. The host dials the socket
//     and sends the token first; the plugin compares it in constant time
//     and closes the connection when it differs. Then the host sends
//     request frames and the plugin answers each in order, one call in
//     flight per connection: the plugin reads, resolves and writes on the
//     connection's goroutine, the host writes and reads on the calling
//     goroutine and keeps idle connections for the next calls.
//
// One call over go-plugin's net/rpc or gRPC costs about ten times a round
// trip on a Unix socket, spent in the hand-offs between goroutines of the
// multiplexer and of the RPC library; the data channel has none.
//
// # Frames
//
// A frame is its length (4 bytes, big-endian) and that many bytes, at
// most MaxFrame; a longer frame is refused and its connection closed.
//
// A request is the time the host waits (uvarint nanoseconds; 0: no limit)
// followed by a batch of keys. A reply is a status byte: 0, then the
// number of answers (uvarint) and each answer as a Code byte and a string
// (uvarint length, bytes): the database for CodeOK, the error's text
// otherwise; or 1, then a string: the request failed as a whole (it was
// malformed, or the resolver broke its contract).
//
// # Keys
//
// A batch is the number of keys (uvarint) followed by each key: the number
// of its values (uvarint), then each value as a kind byte and its payload:
//
//	null                  kind 0
//	int64                 kind 1, zig-zag varint
//	float64               kind 2, 8 bytes, IEEE 754 bits little-endian
//	string, []byte        kind 3, 4: uvarint length, bytes
//	false, true           kind 5, 6
//	time.Time             kind 7: uvarint length, time.Time.MarshalBinary
//
// The encoding of one key is also the key of the host's answer cache, so
// equal keys encode to equal bytes.
package wire
