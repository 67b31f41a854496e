package merge

import "database/sql/driver"

// post applies the HAVING filter and then the computed columns to one
// finished group, as one database would: the select list is evaluated only
// for the groups HAVING keeps. It reports whether the group is kept.
func (a *aggregator) post(row []driver.Value) (bool, error) {
	if a.having != nil {
		v, err := a.ev.eval(a.having, row)
		if err != nil {
			return false, err
		}
		_, yes, err := a.ev.truth(a.having, v)
		if err != nil || !yes {
			return false, err
		}
	}
	for _, c := range a.computed {
		v, err := a.ev.eval(c.Expr, row)
		if err != nil {
			return false, err
		}
		row[c.Column] = a.ev.out(v)
	}
	return true, nil
}
