package compat_test

import (
	"database/sql"
	"errors"
	"testing"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	modernc "modernc.org/sqlite"

	"github.com/grantsql/grant/dialect"
)

type gormUser struct {
	ID        uint
	Name      string `gorm:"size:100;not null"`
	Email     string `gorm:"size:191;not null;uniqueIndex"`
	Age       int
	Orders    []gormOrder `gorm:"foreignKey:UserID"`
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt gorm.DeletedAt `gorm:"index"`
}

func (gormUser) TableName() string { return "compat_users" }

type gormOrder struct {
	ID        uint
	UserID    uint   `gorm:"index;not null"`
	Item      string `gorm:"size:100;not null"`
	Amount    int64
	CreatedAt time.Time
	DeletedAt gorm.DeletedAt `gorm:"index"`
}

func (gormOrder) TableName() string { return "compat_orders" }

// gormDialector wraps an existing *sql.DB in the dialect's GORM dialector.
func gormDialector(d dialect.Dialect, db *sql.DB) gorm.Dialector {
	switch d {
	case dialect.Postgres:
		return postgres.New(postgres.Config{Conn: db})
	case dialect.MySQL:
		return mysql.New(mysql.Config{Conn: db, SkipInitializeWithVersion: false})
	default:
		return sqlite.New(sqlite.Config{Conn: db})
	}
}

// isUniqueViolation reports whether err carries the real driver's
// unique-violation error.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	var myErr *mysqldriver.MySQLError
	var liteErr *modernc.Error
	switch {
	case errors.As(err, &pgErr):
		return pgErr.Code == "23505"
	case errors.As(err, &myErr):
		return myErr.Number == 1062
	case errors.As(err, &liteErr):
		return liteErr.Code() == 2067 // SQLITE_CONSTRAINT_UNIQUE
	}
	return false
}

func TestGORM(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tg target) {
		dsn := tg.isolated(t, "grant_test_compat_gorm")
		sqlDB := tg.open(t, dsn)
		db, err := gorm.Open(gormDialector(tg.dialect, sqlDB), &gorm.Config{Logger: logger.Discard})
		require.NoError(t, err)
		users := func(t *testing.T, q *gorm.DB) int64 {
			var n int64
			require.NoError(t, q.Model(&gormUser{}).Count(&n).Error)
			return n
		}

		t.Run("AutoMigrate", func(t *testing.T) {
			require.NoError(t, db.AutoMigrate(&gormUser{}, &gormOrder{}))
			// A second run inspects the existing tables and changes nothing.
			require.NoError(t, db.AutoMigrate(&gormUser{}, &gormOrder{}))
			m := db.Migrator()
			assert.True(t, m.HasTable(&gormUser{}))
			assert.True(t, m.HasTable("compat_orders"))
			assert.True(t, m.HasIndex(&gormUser{}, "Email"))
			assert.True(t, m.HasColumn(&gormOrder{}, "Amount"))
			cols, err := m.ColumnTypes(&gormUser{})
			require.NoError(t, err)
			assert.Len(t, cols, 7)
		})

		t.Run("Create", func(t *testing.T) {
			ann := gormUser{Name: "ann", Email: "ann@example.com", Age: 31,
				Orders: []gormOrder{{Item: "book", Amount: 1200}, {Item: "pen", Amount: 150}}}
			require.NoError(t, db.Create(&ann).Error)
			assert.NotZero(t, ann.ID)
			assert.NotZero(t, ann.Orders[1].ID)
			assert.Equal(t, ann.ID, ann.Orders[0].UserID)
			assert.False(t, ann.CreatedAt.IsZero())

			batch := []gormUser{
				{Name: "bob", Email: "bob@example.com", Age: 25},
				{Name: "cy", Email: "cy@example.com", Age: 40, Orders: []gormOrder{{Item: "lamp", Amount: 3000}}},
				{Name: "dee", Email: "dee@example.com", Age: 19},
			}
			require.NoError(t, db.Create(&batch).Error)
			for _, u := range batch {
				assert.NotZero(t, u.ID, u.Name)
			}
			more := []gormUser{
				{Name: "eve", Email: "eve@example.com", Age: 52},
				{Name: "fay", Email: "fay@example.com", Age: 60},
				{Name: "gus", Email: "gus@example.com", Age: 33},
			}
			require.NoError(t, db.CreateInBatches(&more, 2).Error)
			assert.NotZero(t, more[2].ID)
			assert.Equal(t, int64(7), users(t, db))
		})

		t.Run("Query", func(t *testing.T) {
			var u gormUser
			require.NoError(t, db.First(&u).Error)
			assert.Equal(t, "ann", u.Name)
			var cy gormUser
			require.NoError(t, db.Where("email = ?", "cy@example.com").First(&cy).Error)
			assert.Equal(t, 40, cy.Age)
			err := db.Where("name = ?", "nobody").First(&gormUser{}).Error
			assert.True(t, errors.Is(err, gorm.ErrRecordNotFound), "got %v", err)

			var page []gormUser
			require.NoError(t, db.Where("age > ?", 20).Order("age desc").Limit(2).Offset(1).Find(&page).Error)
			require.Len(t, page, 2)
			assert.Equal(t, []string{"eve", "cy"}, []string{page[0].Name, page[1].Name})

			var names []string
			require.NoError(t, db.Model(&gormUser{}).Where("name IN ?", []string{"bob", "dee", "zed"}).Order("name").Pluck("name", &names).Error)
			assert.Equal(t, []string{"bob", "dee"}, names)

			var withOrders []gormUser
			require.NoError(t, db.Preload("Orders", func(q *gorm.DB) *gorm.DB { return q.Order("amount") }).
				Where("name IN ?", []string{"ann", "cy", "bob"}).Order("name").Find(&withOrders).Error)
			require.Len(t, withOrders, 3)
			require.Len(t, withOrders[0].Orders, 2)
			assert.Equal(t, "pen", withOrders[0].Orders[0].Item)
			assert.Empty(t, withOrders[1].Orders)
			assert.Equal(t, int64(3000), withOrders[2].Orders[0].Amount)

			var total struct{ Sum int64 }
			require.NoError(t, db.Model(&gormOrder{}).Select("sum(amount) AS sum").Scan(&total).Error)
			assert.Equal(t, int64(4350), total.Sum)
		})

		t.Run("Update", func(t *testing.T) {
			var u gormUser
			require.NoError(t, db.Where("name = ?", "bob").First(&u).Error)
			before := u.UpdatedAt
			time.Sleep(10 * time.Millisecond)
			require.NoError(t, db.Model(&u).Updates(gormUser{Age: 26, Name: "bobby"}).Error)
			require.NoError(t, db.Model(&u).Updates(map[string]any{"email": "bobby@example.com"}).Error)
			res := db.Model(&gormUser{}).Where("age < ?", 20).Update("age", gorm.Expr("age + ?", 1))
			require.NoError(t, res.Error)
			assert.Equal(t, int64(1), res.RowsAffected)

			var got gormUser
			require.NoError(t, db.First(&got, u.ID).Error)
			assert.Equal(t, "bobby", got.Name)
			assert.Equal(t, "bobby@example.com", got.Email)
			assert.Equal(t, 26, got.Age)
			assert.True(t, got.UpdatedAt.After(before), "updated_at %v after %v", got.UpdatedAt, before)
		})

		t.Run("Delete", func(t *testing.T) {
			var dee gormUser
			require.NoError(t, db.Where("name = ?", "dee").First(&dee).Error)
			require.NoError(t, db.Delete(&dee).Error)
			assert.Equal(t, int64(6), users(t, db))
			assert.Equal(t, int64(7), users(t, db.Unscoped()))
			var soft gormUser
			require.NoError(t, db.Unscoped().First(&soft, dee.ID).Error)
			assert.True(t, soft.DeletedAt.Valid)

			require.NoError(t, db.Unscoped().Delete(&gormUser{}, dee.ID).Error)
			assert.Equal(t, int64(6), users(t, db.Unscoped()))
		})

		t.Run("UniqueViolation", func(t *testing.T) {
			err := db.Create(&gormUser{Name: "twin", Email: "ann@example.com"}).Error
			require.Error(t, err)
			assert.True(t, isUniqueViolation(err), "errors.As finds the driver's error: %v", err)
			if tg.dialect == dialect.SQLite {
				t.Skip("gorm.io/driver/sqlite translates only mattn/go-sqlite3 errors, never those of modernc.org/sqlite, with or without Grant")
			}
			tdb, err := gorm.Open(gormDialector(tg.dialect, sqlDB), &gorm.Config{Logger: logger.Discard, TranslateError: true})
			require.NoError(t, err)
			err = tdb.Create(&gormUser{Name: "twin", Email: "ann@example.com"}).Error
			assert.ErrorIs(t, err, gorm.ErrDuplicatedKey, "the dialector's Translate type-asserts the driver's own error")
		})

		t.Run("Transaction", func(t *testing.T) {
			err := db.Transaction(func(tx *gorm.DB) error {
				u := gormUser{Name: "hal", Email: "hal@example.com", Age: 44}
				if err := tx.Create(&u).Error; err != nil {
					return err
				}
				return tx.Create(&gormOrder{UserID: u.ID, Item: "desk", Amount: 9000}).Error
			})
			require.NoError(t, err)
			assert.Equal(t, int64(7), users(t, db))

			boom := errors.New("boom")
			err = db.Transaction(func(tx *gorm.DB) error {
				if err := tx.Create(&gormUser{Name: "ivy", Email: "ivy@example.com"}).Error; err != nil {
					return err
				}
				if err := tx.Model(&gormUser{}).Where("name = ?", "ann").Update("age", 99).Error; err != nil {
					return err
				}
				if n := users(t, tx); n != 8 {
					t.Errorf("inside the transaction: %d users, want 8", n)
				}
				return boom
			})
			require.ErrorIs(t, err, boom)
			assert.Equal(t, int64(7), users(t, db))
			var ann gormUser
			require.NoError(t, db.Where("name = ?", "ann").First(&ann).Error)
			assert.Equal(t, 31, ann.Age, "the rolled back update is gone")
			err = db.Where("name = ?", "ivy").First(&gormUser{}).Error
			assert.ErrorIs(t, err, gorm.ErrRecordNotFound)
		})

		t.Run("NestedTransaction", func(t *testing.T) {
			err := db.Transaction(func(tx *gorm.DB) error {
				if err := tx.Create(&gormUser{Name: "jo", Email: "jo@example.com"}).Error; err != nil {
					return err
				}
				inner := tx.Transaction(func(tx2 *gorm.DB) error {
					if err := tx2.Create(&gormUser{Name: "kim", Email: "kim@example.com"}).Error; err != nil {
						return err
					}
					return errors.New("roll back to the savepoint")
				})
				require.Error(t, inner)
				if err := tx.SavePoint("sp1").Error; err != nil {
					return err
				}
				if err := tx.Create(&gormUser{Name: "lou", Email: "lou@example.com"}).Error; err != nil {
					return err
				}
				return tx.RollbackTo("sp1").Error
			})
			require.NoError(t, err)
			var names []string
			require.NoError(t, db.Model(&gormUser{}).Where("name IN ?", []string{"jo", "kim", "lou"}).Pluck("name", &names).Error)
			assert.Equal(t, []string{"jo"}, names)
		})

		t.Run("Connection", func(t *testing.T) {
			// A fresh pool, so that the steps below decide which physical
			// connection each statement gets.
			fresh, err := gorm.Open(gormDialector(tg.dialect, tg.open(t, dsn)), &gorm.Config{Logger: logger.Discard})
			require.NoError(t, err)
			var n int
			err = fresh.Connection(func(tx *gorm.DB) error {
				if err := tx.Exec("CREATE TEMPORARY TABLE compat_gorm_tmp (x INT)").Error; err != nil {
					return err
				}
				// Another session takes the idle physical connection.
				busy, err := fresh.Raw("SELECT 1").Rows()
				if err != nil {
					return err
				}
				defer busy.Close()
				if err := tx.Exec("INSERT INTO compat_gorm_tmp VALUES (1)").Error; err != nil {
					return err
				}
				return tx.Raw("SELECT count(*) FROM compat_gorm_tmp").Scan(&n).Error
			})
			require.NoError(t, err)
			assert.Equal(t, 1, n)
		})
	})
}
