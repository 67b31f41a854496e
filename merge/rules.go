package merge

import (
	"encoding/hex"
	"strings"

	"github.com/grantsql/grant/dialect"
)

// numericTypes are database type names (as drivers report them through
// ColumnTypeDatabaseTypeName, upper case, without UNSIGNED) whose values
// may arrive as text and must then compare as numbers.
var numericTypes = map[string]bool{
	"DECIMAL": true, "NEWDECIMAL": true, "NUMERIC": true, "NUMBER": true,
	"TINYINT": true, "SMALLINT": true, "MEDIUMINT": true, "INT": true, "INTEGER": true, "BIGINT": true,
	"INT2": true, "INT4": true, "INT8": true, "YEAR": true,
	"FLOAT": true, "FLOAT4": true, "FLOAT8": true, "DOUBLE": true, "DOUBLE PRECISION": true, "REAL": true,
}

// binaryTypes are the MySQL types whose values compare as bytes under the
// default collation.
var binaryTypes = map[string]bool{
	"BINARY": true, "VARBINARY": true, "BLOB": true, "TINYBLOB": true,
	"MEDIUMBLOB": true, "LONGBLOB": true, "BIT": true, "GEOMETRY": true,
}

// mysqlTextTypes are the MySQL types whose default collation is
// case-insensitive. An unknown type name counts as text.
var mysqlTextTypes = map[string]bool{
	"": true, "CHAR": true, "VARCHAR": true, "TEXT": true, "TINYTEXT": true,
	"MEDIUMTEXT": true, "LONGTEXT": true, "ENUM": true, "SET": true,
}

// pgCollatable are the PostgreSQL type names (as pgx reports them) whose
// values a collation orders; "" is an unknown type (a domain, an
// expression of unknown type), ordered as text.
var pgCollatable = map[string]bool{"": true, "TEXT": true, "VARCHAR": true, "BPCHAR": true, "NAME": true, "CITEXT": true}

// buildRules decides, per column, how values compare:
//
//   - Text values compare as decimal numbers when the column's database type
//     is numeric (DECIMAL, NUMERIC, INT..., FLOAT..., as in numericTypes) or
//     the column is the output of COUNT, SUM or AVG. SQLite never: a TEXT
//     value there is text even in a numeric column, and sorts after numbers.
//     Deciding by the type name, never by the look of the value, keeps a
//     VARCHAR holding "10" and "9" in byte order.
//   - Text collation: ColumnCollations, then Spec.Collation (except on
//     binary types), then the dialect default: case-insensitive for MySQL
//     text types, binary otherwise. A server collation applies to
//     PostgreSQL's collatable types only (pgCollatable); char(n) (BPCHAR)
//     ignores trailing spaces, as PostgreSQL does.
//   - Weights (Spec.Weights) override the collation of their column's text.
//   - SQLite orders BLOB ([]byte) after TEXT (string) as separate classes.
func buildRules(s *Spec, meta *columnMeta, n int) []rule {
	rules := make([]rule, n)
	aggregated := map[int]bool{}
	for _, a := range s.Aggregates {
		if a.Func == Count || a.Func == Sum || a.Func == Avg {
			aggregated[a.Column] = true
		}
	}
	for i := range rules {
		typeName := ""
		if meta != nil {
			typeName = strings.ToUpper(strings.TrimSpace(meta.types[i].databaseName))
			typeName = strings.TrimPrefix(typeName, "UNSIGNED ")
		}
		r := &rules[i]
		r.typ = typeName
		r.blob = s.Dialect == dialect.SQLite
		r.numText = s.Dialect != dialect.SQLite && (numericTypes[typeName] || aggregated[i])
		c := CollationDefault
		if i < len(s.ColumnCollations) {
			c = s.ColumnCollations[i]
		}
		if c == CollationDefault && !binaryTypes[typeName] && typeName != "BYTEA" {
			c = s.Collation
		}
		if c == CollationDefault && s.Dialect == dialect.MySQL && mysqlTextTypes[typeName] {
			c = CollationNoCase
		}
		r.setCollation(c, s.Dialect, typeName)
	}
	for _, w := range s.Weights {
		if w.Column < n && w.WeightColumn < n {
			r := &rules[w.Column]
			r.weighted, r.weight = true, w.WeightColumn
			r.pad, _ = hex.DecodeString(w.Pad)
		}
	}
	return rules
}

// setCollation sets how r's text compares under c, for a column of the
// given database type.
func (r *rule) setCollation(c Collation, d dialect.Dialect, typeName string) {
	r.text, r.server, r.trim = textBinary, "", false
	switch c {
	case CollationNoCase:
		r.text = textFold
	case CollationASCIINoCase:
		r.text = textASCIIFold
	case CollationRTrim:
		r.text = textRTrim
	case CollationBinaryPad:
		r.text = textPad
	}
	if name, ok := c.Server(); ok && (d != dialect.Postgres || pgCollatable[typeName]) {
		r.text, r.server = textServer, name
	}
	if d == dialect.Postgres && typeName == "BPCHAR" {
		if r.text == textBinary {
			r.text = textRTrim
		}
		r.trim = true
	}
}
