package plugins

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// maxLogLine is the longest line logged whole; a longer one is logged in
// pieces.
const maxLogLine = 64 << 10

// logWriter logs what a plugin writes to its standard error (or output),
// line by line, to slog with the plugin's name. A line that is a JSON
// object of go-plugin's logger (hclog: @level, @message, more fields) is
// logged at its level with its fields. Any other line is logged at Info,
// without the date and time of the log package, or at the level of a
// [DEBUG], [INFO], [WARN] or [ERROR] prefix; from a "panic: " or
// "fatal error: " line on, at Error.
type logWriter struct {
	log    *slog.Logger
	stream string
	mu     sync.Mutex
	buf    []byte
	panic  bool // a panic's trace is being written
}

// logTime matches the date and time the log package writes first.
var logTime = regexp.MustCompile(`^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? `)

// logPrefixes are the level prefixes of plain log lines.
var logPrefixes = []struct {
	prefix string
	level  slog.Level
}{
	{"[TRACE]", slog.LevelDebug}, {"[DEBUG]", slog.LevelDebug}, {"[INFO]", slog.LevelInfo},
	{"[WARN]", slog.LevelWarn}, {"[ERR]", slog.LevelError}, {"[ERROR]", slog.LevelError},
}

func newLogWriter(l *slog.Logger, stream string) *logWriter {
	return &logWriter{log: l, stream: stream}
}

// Write logs every complete line of p and keeps the rest for the next
// Write.
func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.emit(w.buf[:i])
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) >= maxLogLine {
		w.emit(w.buf)
		w.buf = nil
	}
	if len(w.buf) == 0 {
		w.buf = nil
	}
	return len(p), nil
}

func (w *logWriter) emit(line []byte) {
	line = bytes.TrimRight(line, "\r")
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	if line[0] == '{' {
		var m map[string]any
		if json.Unmarshal(line, &m) == nil {
			if msg, ok := m["@message"].(string); ok {
				w.emitJSON(msg, m)
				return
			}
		}
	}
	line = logTime.ReplaceAll(line, nil)
	level := slog.LevelInfo
	if w.panic || bytes.HasPrefix(line, []byte("panic: ")) || bytes.HasPrefix(line, []byte("fatal error: ")) {
		w.panic, level = true, slog.LevelError
	} else {
		for _, p := range logPrefixes {
			if rest, ok := bytes.CutPrefix(line, []byte(p.prefix)); ok {
				line, level = bytes.TrimSpace(rest), p.level
				break
			}
		}
	}
	w.log.Log(context.Background(), level, string(line), "stream", w.stream)
}

// emitJSON logs a line of hclog's JSON format.
func (w *logWriter) emitJSON(msg string, m map[string]any) {
	level := slog.LevelInfo
	switch s, _ := m["@level"].(string); strings.ToLower(s) {
	case "trace", "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	attrs := []slog.Attr{slog.String("stream", w.stream)}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !strings.HasPrefix(k, "@") {
			attrs = append(attrs, slog.Any(k, m[k]))
		}
	}
	w.log.LogAttrs(context.Background(), level, msg, attrs...)
}
