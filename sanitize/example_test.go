package sanitize_test

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	_ "modernc.org/sqlite"

	"github.com/grantsql/grant/dialect"
	"github.com/grantsql/grant/sanitize"
)

func ExampleQuote() {
	for _, v := range []any{"O'Brien", `C:\dir`, 42, 0.5, nil, []byte{0xde, 0xad},
		time.Date(2024, 3, 9, 14, 5, 6, 500000000, time.UTC)} {
		pg, _ := sanitize.Quote(dialect.Postgres, v)
		my, _ := sanitize.Quote(dialect.MySQL, v)
		fmt.Printf("%s | %s\n", pg, my)
	}
	_, err := sanitize.Quote(dialect.Postgres, make(chan int))
	fmt.Println(err)
	// Output:
	// 'O''Brien' | 'O''Brien'
	// E'C:\\dir' | 'C:\\dir'
	// 42 | 42
	// 0.5 | 5e-01
	// NULL | NULL
	// E'\\xdead'::bytea | X'dead'
	// '2024-03-09 14:05:06.5+00:00'::timestamptz | TIMESTAMP'2024-03-09 14:05:06.5'
	// sanitize: unsupported type: chan int
}

func ExampleQuoter() {
	// A MariaDB session with sql_mode NO_BACKSLASH_ESCAPES.
	q := sanitize.Quoter{Dialect: dialect.MySQL, NoBackslashEscapes: true}
	s, _ := q.Quote(`C:\dir`)
	fmt.Println(s)
	// Output: 'C:\dir'
}

func ExampleQuoterFor() {
	ctx := context.Background()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		panic(err)
	}
	defer db.Close()
	// Hold one connection: the Quoter describes this session only. With
	// PostgreSQL it reads client_encoding and standard_conforming_strings,
	// with MySQL sql_mode and character_set_client.
	conn, err := db.Conn(ctx)
	if err != nil {
		panic(err)
	}
	defer conn.Close()
	q, err := sanitize.QuoterFor(ctx, dialect.SQLite, conn)
	if err != nil {
		panic(err)
	}
	stmt, _ := q.Array("SELECT ?", "O'Brien")
	var name string
	if err := conn.QueryRowContext(ctx, stmt).Scan(&name); err != nil {
		panic(err)
	}
	fmt.Println(stmt, "->", name)
	// Output: SELECT 'O''Brien' -> O'Brien
}

func ExampleQuoter_clientEncoding() {
	// For a UTF8 session, a backslash after a non-ASCII byte is written in
	// octal, so that no session encoding can make the literal end early.
	s, _ := sanitize.Quote(dialect.Postgres, `さ\' AS v, 666 AS marker -- `)
	fmt.Println(s)
	// In an SJIS session, 0x83 0x5C is one character (ソ), not a backslash.
	sjis := sanitize.Quoter{Dialect: dialect.Postgres, ClientEncoding: "SJIS"}
	s, _ = sjis.Quote("\x83\x5c'")
	fmt.Printf("%q\n", s)
	_, err := sjis.Quote("\x83'")
	fmt.Println(err)
	// Output:
	// E'さ\134'' AS v, 666 AS marker -- '
	// "'\x83\\'''"
	// sanitize: invalid byte sequence for the session's encoding: byte 0x83 at offset 0 of a string does not start a SJIS character
}

func ExampleQuoteIdent() {
	pg, _ := sanitize.QuoteIdent(dialect.Postgres, `public.Order "items"`)
	my, _ := sanitize.QuoteIdent(dialect.MySQL, "shop.order")
	fmt.Println(pg)
	fmt.Println(my)
	// Output:
	// "public"."Order ""items"""
	// `shop`.`order`
}

func ExampleArray() {
	s, _ := sanitize.Array(dialect.Postgres, "SELECT * FROM users WHERE name = ? AND id IN (?) AND note <> '?'",
		"O'Brien", []int{1, 2, 3})
	fmt.Println(s)
	s, _ = sanitize.Array(dialect.Postgres, "SELECT :id::text, :email",
		map[string]any{"id": 7, "email": "a@example.com"})
	fmt.Println(s)
	_, err := sanitize.Array(dialect.Postgres, "a = ? AND b = ?", 1)
	fmt.Println(err)
	// Output:
	// SELECT * FROM users WHERE name = 'O''Brien' AND id IN (1, 2, 3) AND note <> '?'
	// SELECT 7::text, 'a@example.com'
	// sanitize: argument 2: placeholder count mismatch: the template has 2 placeholders and 1 arguments were given
}

func ExampleHash() {
	s, _ := sanitize.Hash(dialect.Postgres, map[string]any{"role": []string{"admin", "owner"}, "deleted_at": nil, "org_id": 3})
	fmt.Println(s)
	s, _ = sanitize.Assignments(dialect.MySQL, map[string]any{"name": "Ann", "visits": 2})
	fmt.Println(s)
	// Output:
	// "deleted_at" IS NULL AND "org_id" = 3 AND "role" IN ('admin', 'owner')
	// `name` = 'Ann', `visits` = 2
}

func ExampleLike() {
	pattern := "%" + sanitize.Like("100%_sure", '\\') + "%"
	s, _ := sanitize.Array(dialect.SQLite, `SELECT * FROM t WHERE note LIKE ? ESCAPE '\'`, pattern)
	fmt.Println(s)
	// Output: SELECT * FROM t WHERE note LIKE '%100\%\_sure%' ESCAPE '\'
}
