package registry

import (
	"database/sql/driver"
	"strconv"
)

// ArgError is an argument the real driver refused.
type ArgError struct {
	Ordinal int
	Name    string
	Err     error
}

func (e *ArgError) Error() string {
	if e.Name != "" {
		return "grant: converting argument $" + strconv.Itoa(e.Ordinal) + " (" + e.Name + "): " + e.Err.Error()
	}
	return "grant: converting argument $" + strconv.Itoa(e.Ordinal) + ": " + e.Err.Error()
}

// Unwrap returns the converter's error.
func (e *ArgError) Unwrap() error { return e.Err }

// convertArgs converts args in place for the driver connection dc (and,
// for a prepared statement, st) exactly as database/sql would have for
// them: Grant's own connection accepted every value unchanged, so each
// argument still has the type the application passed.
func convertArgs(dc driver.Conn, st driver.Stmt, args []driver.NamedValue) ([]driver.NamedValue, error) {
	var check func(*driver.NamedValue) error
	if c, ok := st.(driver.NamedValueChecker); ok {
		check = c.CheckNamedValue
	} else if c, ok := dc.(driver.NamedValueChecker); ok {
		check = c.CheckNamedValue
	}
	n := 0
	for i := range args {
		nv := &args[i] // in place: a copy's address would escape to the checker
		err := driver.ErrSkip
		if check != nil {
			err = check(nv)
		}
		if err == driver.ErrSkip {
			nv.Value, err = driver.DefaultParameterConverter.ConvertValue(nv.Value)
		}
		switch {
		case err == driver.ErrRemoveArgument:
			continue
		case err != nil:
			return nil, &ArgError{Ordinal: nv.Ordinal, Name: nv.Name, Err: err}
		}
		args[n] = *nv
		n++
	}
	return args[:n], nil
}
