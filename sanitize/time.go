package sanitize

import (
	"strconv"
	"time"

	"github.com/grantsql/grant/dialect"
)

// appendTime appends the timestamp literal of t:
//
//   - PostgreSQL: '2006-01-02 15:04:05.999999-07:00'::timestamptz, in t's
//     own zone (an offset with seconds is written as -07:00:00).
//   - MySQL: TIMESTAMP'2006-01-02 15:04:05.999999', the wall clock of t in
//     Quoter.Location (UTC by default), since DATETIME holds no zone.
//   - SQLite: '2006-01-02 15:04:05.999999999-07:00', t in Quoter.Location
//     (UTC by default; UTC as well when the offset has seconds), the text
//     format modernc.org/sqlite writes with _time_format=sqlite and parses
//     back from DATETIME columns.
//
// PostgreSQL and MySQL keep microseconds: nanoseconds are truncated (as the
// pgx binary encoding does), not rounded, so a time never moves into the
// next second, day or year. SQLite text keeps nanoseconds. Trailing zeros of
// the fraction are dropped. Years outside 1 to 9999 (after the zone
// conversion) are an error wrapping ErrUnsupportedValue.
func (q Quoter) appendTime(dst []byte, t time.Time) ([]byte, error) {
	switch q.Dialect {
	case dialect.Postgres:
		t = t.Truncate(time.Microsecond)
		if err := checkYear(t); err != nil {
			return dst, err
		}
		layout := "2006-01-02 15:04:05.999999-07:00"
		if _, off := t.Zone(); off%60 != 0 {
			layout = "2006-01-02 15:04:05.999999-07:00:00"
		}
		dst = append(dst, '\'')
		dst = t.AppendFormat(dst, layout)
		return append(dst, "'::timestamptz"...), nil
	case dialect.MySQL:
		t = t.Truncate(time.Microsecond).In(q.location())
		if err := checkYear(t); err != nil {
			return dst, err
		}
		dst = append(dst, "TIMESTAMP'"...)
		dst = t.AppendFormat(dst, "2006-01-02 15:04:05.999999")
		return append(dst, '\''), nil
	case dialect.SQLite:
		t = t.In(q.location())
		if _, off := t.Zone(); off%60 != 0 {
			t = t.UTC()
		}
		if err := checkYear(t); err != nil {
			return dst, err
		}
		dst = append(dst, '\'')
		dst = t.AppendFormat(dst, "2006-01-02 15:04:05.999999999-07:00")
		return append(dst, '\''), nil
	}
	return dst, q.checkDialect()
}

func checkYear(t time.Time) error {
	if y := t.Year(); y < 1 || y > 9999 {
		return errorf(ErrUnsupportedValue, "year "+strconv.Itoa(y)+" outside 1 to 9999")
	}
	return nil
}
