package merge

import "database/sql/driver"

// mirror returns r with exactly the column-type interfaces of m.caps.
func mirror(r *rows, m *columnMeta) driver.Rows {
	s, d, l, n, p := scanTypes{m}, databaseNames{m}, lengths{m}, nullables{m}, precisions{m}
	switch m.caps {
	case 0:
		return r
	case 1:
		return struct {
			*rows
			scanTypes
		}{r, s}
	case 2:
		return struct {
			*rows
			databaseNames
		}{r, d}
	case 3:
		return struct {
			*rows
			scanTypes
			databaseNames
		}{r, s, d}
	case 4:
		return struct {
			*rows
			lengths
		}{r, l}
	case 5:
		return struct {
			*rows
			scanTypes
			lengths
		}{r, s, l}
	case 6:
		return struct {
			*rows
			databaseNames
			lengths
		}{r, d, l}
	case 7:
		return struct {
			*rows
			scanTypes
			databaseNames
			lengths
		}{r, s, d, l}
	case 8:
		return struct {
			*rows
			nullables
		}{r, n}
	case 9:
		return struct {
			*rows
			scanTypes
			nullables
		}{r, s, n}
	case 10:
		return struct {
			*rows
			databaseNames
			nullables
		}{r, d, n}
	case 11:
		return struct {
			*rows
			scanTypes
			databaseNames
			nullables
		}{r, s, d, n}
	case 12:
		return struct {
			*rows
			lengths
			nullables
		}{r, l, n}
	case 13:
		return struct {
			*rows
			scanTypes
			lengths
			nullables
		}{r, s, l, n}
	case 14:
		return struct {
			*rows
			databaseNames
			lengths
			nullables
		}{r, d, l, n}
	case 15:
		return struct {
			*rows
			scanTypes
			databaseNames
			lengths
			nullables
		}{r, s, d, l, n}
	case 16:
		return struct {
			*rows
			precisions
		}{r, p}
	case 17:
		return struct {
			*rows
			scanTypes
			precisions
		}{r, s, p}
	case 18:
		return struct {
			*rows
			databaseNames
			precisions
		}{r, d, p}
	case 19:
		return struct {
			*rows
			scanTypes
			databaseNames
			precisions
		}{r, s, d, p}
	case 20:
		return struct {
			*rows
			lengths
			precisions
		}{r, l, p}
	case 21:
		return struct {
			*rows
			scanTypes
			lengths
			precisions
		}{r, s, l, p}
	case 22:
		return struct {
			*rows
			databaseNames
			lengths
			precisions
		}{r, d, l, p}
	case 23:
		return struct {
			*rows
			scanTypes
			databaseNames
			lengths
			precisions
		}{r, s, d, l, p}
	case 24:
		return struct {
			*rows
			nullables
			precisions
		}{r, n, p}
	case 25:
		return struct {
			*rows
			scanTypes
			nullables
			precisions
		}{r, s, n, p}
	case 26:
		return struct {
			*rows
			databaseNames
			nullables
			precisions
		}{r, d, n, p}
	case 27:
		return struct {
			*rows
			scanTypes
			databaseNames
			nullables
			precisions
		}{r, s, d, n, p}
	case 28:
		return struct {
			*rows
			lengths
			nullables
			precisions
		}{r, l, n, p}
	case 29:
		return struct {
			*rows
			scanTypes
			lengths
			nullables
			precisions
		}{r, s, l, n, p}
	case 30:
		return struct {
			*rows
			databaseNames
			lengths
			nullables
			precisions
		}{r, d, l, n, p}
	}
	return struct {
		*rows
		scanTypes
		databaseNames
		lengths
		nullables
		precisions
	}{r, s, d, l, n, p}
}
