package compat_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/dialect"
)

var sqlxPeopleDDL = map[dialect.Dialect]string{
	dialect.Postgres: `CREATE TABLE compat_sqlx_people (
		id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, age INT NOT NULL,
		email TEXT, joined TIMESTAMPTZ NOT NULL)`,
	dialect.MySQL: `CREATE TABLE compat_sqlx_people (
		id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE, age INT NOT NULL,
		email TEXT, joined DATETIME(6) NOT NULL)`,
	dialect.SQLite: `CREATE TABLE compat_sqlx_people (
		id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, age INTEGER NOT NULL,
		email TEXT, joined DATETIME NOT NULL)`,
}

type person struct {
	ID     int64          `db:"id"`
	Name   string         `db:"name"`
	Age    int            `db:"age"`
	Email  sql.NullString `db:"email"`
	Joined time.Time      `db:"joined"`
}

// sqlxName is the driver name sqlx knows for each dialect's placeholders.
var sqlxName = map[dialect.Dialect]string{
	dialect.Postgres: "pgx",     // DOLLAR
	dialect.MySQL:    "mysql",   // QUESTION
	dialect.SQLite:   "sqlite3", // QUESTION
}

func TestSQLX(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tg target) {
		db := sqlx.NewDb(tg.open(t, tg.dsn(t)), sqlxName[tg.dialect])
		if tg.dialect == dialect.Postgres {
			require.Equal(t, "SELECT $1, $2", db.Rebind("SELECT ?, ?"))
		} else {
			require.Equal(t, "SELECT ?, ?", db.Rebind("SELECT ?, ?"))
		}
		table(t, db.DB, "compat_sqlx_people", sqlxPeopleDDL[tg.dialect])
		joined := time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)

		t.Run("NamedExec", func(t *testing.T) {
			_, err := db.NamedExec(`INSERT INTO compat_sqlx_people (name, age, email, joined)
				VALUES (:name, :age, :email, :joined)`,
				person{Name: "ann", Age: 31, Email: sql.NullString{String: "ann@example.com", Valid: true}, Joined: joined})
			require.NoError(t, err)
			_, err = db.NamedExec(`INSERT INTO compat_sqlx_people (name, age, joined) VALUES (:name, :age, :joined)`,
				map[string]any{"name": "bob", "age": 25, "joined": joined})
			require.NoError(t, err)
			res, err := db.NamedExec(`INSERT INTO compat_sqlx_people (name, age, email, joined)
				VALUES (:name, :age, :email, :joined)`, []person{
				{Name: "cy", Age: 40, Joined: joined},
				{Name: "dee", Age: 19, Joined: joined},
				{Name: "eve", Age: 52, Joined: joined},
			})
			require.NoError(t, err)
			n, err := res.RowsAffected()
			require.NoError(t, err)
			assert.Equal(t, int64(3), n, "a slice argument is one multi-row insert")
		})

		t.Run("GetSelect", func(t *testing.T) {
			var p person
			require.NoError(t, db.Get(&p, db.Rebind(`SELECT * FROM compat_sqlx_people WHERE name = ?`), "ann"))
			assert.Equal(t, 31, p.Age)
			assert.Equal(t, "ann@example.com", p.Email.String)
			assert.True(t, joined.Equal(p.Joined), "joined %v", p.Joined)

			var people []person
			require.NoError(t, db.Select(&people, db.Rebind(`SELECT * FROM compat_sqlx_people WHERE age > ? ORDER BY age DESC`), 20))
			require.Len(t, people, 4)
			assert.Equal(t, "eve", people[0].Name)
			assert.False(t, people[3].Email.Valid)

			var names []string
			require.NoError(t, db.Select(&names, `SELECT name FROM compat_sqlx_people ORDER BY name`))
			assert.Equal(t, []string{"ann", "bob", "cy", "dee", "eve"}, names)

			err := db.Get(&p, db.Rebind(`SELECT * FROM compat_sqlx_people WHERE name = ?`), "nobody")
			assert.ErrorIs(t, err, sql.ErrNoRows)

			rows, err := db.NamedQuery(`SELECT * FROM compat_sqlx_people WHERE age < :max ORDER BY age`, map[string]any{"max": 30})
			require.NoError(t, err)
			var young []string
			for rows.Next() {
				var p person
				require.NoError(t, rows.StructScan(&p))
				young = append(young, p.Name)
			}
			require.NoError(t, rows.Err())
			require.NoError(t, rows.Close())
			assert.Equal(t, []string{"dee", "bob"}, young)
		})

		t.Run("In", func(t *testing.T) {
			q, args, err := sqlx.In(`SELECT name FROM compat_sqlx_people WHERE name IN (?) AND age >= ? ORDER BY name`,
				[]string{"ann", "cy", "eve", "zed"}, 35)
			require.NoError(t, err)
			var names []string
			require.NoError(t, db.Select(&names, db.Rebind(q), args...))
			assert.Equal(t, []string{"cy", "eve"}, names)
		})

		t.Run("Prepared", func(t *testing.T) {
			st, err := db.PrepareNamed(`SELECT * FROM compat_sqlx_people WHERE name = :name`)
			require.NoError(t, err)
			defer st.Close()
			var p person
			require.NoError(t, st.Get(&p, map[string]any{"name": "bob"}))
			assert.Equal(t, 25, p.Age)

			px, err := db.Preparex(db.Rebind(`SELECT age FROM compat_sqlx_people WHERE name = ?`))
			require.NoError(t, err)
			defer px.Close()
			var age int
			require.NoError(t, px.Get(&age, "cy"))
			assert.Equal(t, 40, age)
		})

		t.Run("Tx", func(t *testing.T) {
			tx, err := db.Beginx()
			require.NoError(t, err)
			tx.MustExec(tx.Rebind(`UPDATE compat_sqlx_people SET age = age + 1 WHERE name = ?`), "ann")
			_, err = tx.NamedExec(`INSERT INTO compat_sqlx_people (name, age, joined) VALUES (:name, :age, :joined)`,
				person{Name: "fay", Age: 60, Joined: joined})
			require.NoError(t, err)
			var age int
			require.NoError(t, tx.Get(&age, tx.Rebind(`SELECT age FROM compat_sqlx_people WHERE name = ?`), "ann"))
			assert.Equal(t, 32, age)
			require.NoError(t, tx.Commit())

			tx, err = db.Beginx()
			require.NoError(t, err)
			tx.MustExec(tx.Rebind(`DELETE FROM compat_sqlx_people WHERE name = ?`), "fay")
			tx.MustExec(tx.Rebind(`UPDATE compat_sqlx_people SET age = ? WHERE name = ?`), 99, "ann")
			require.NoError(t, tx.Rollback())

			var p person
			require.NoError(t, db.Get(&p, db.Rebind(`SELECT * FROM compat_sqlx_people WHERE name = ?`), "ann"))
			assert.Equal(t, 32, p.Age, "the committed update stays, the rolled back one is gone")
			var n int
			require.NoError(t, db.Get(&n, `SELECT count(*) FROM compat_sqlx_people`))
			assert.Equal(t, 6, n)

			assert.Panics(t, func() {
				tx := db.MustBegin()
				defer tx.Rollback()
				tx.MustExec(tx.Rebind(`INSERT INTO compat_sqlx_people (name, age, joined) VALUES (?, ?, ?)`), "ann", 1, joined)
			}, "MustExec panics on a unique violation")
		})
	})
}
