package compat_test

import (
	"context"
	"errors"
	"testing"
	"time"

	entdialect "entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grantsql/grant/compat/ent"
	"github.com/grantsql/grant/compat/ent/pet"
	"github.com/grantsql/grant/compat/ent/user"
	"github.com/grantsql/grant/dialect"
)

// entDialect is ent's name of each dialect; MariaDB is ent's MySQL.
var entDialect = map[dialect.Dialect]string{
	dialect.Postgres: entdialect.Postgres,
	dialect.MySQL:    entdialect.MySQL,
	dialect.SQLite:   entdialect.SQLite,
}

func TestEnt(t *testing.T) {
	t.Parallel()
	forEachDialect(t, func(t *testing.T, tg target) {
		ctx := context.Background()
		db := tg.open(t, tg.isolated(t, "grant_test_compat_ent"))
		client := ent.NewClient(ent.Driver(entsql.OpenDB(entDialect[tg.dialect], db)))
		born := time.Date(2020, 3, 4, 5, 6, 7, 0, time.UTC)

		t.Run("Migrate", func(t *testing.T) {
			require.NoError(t, client.Schema.Create(ctx))
			// A second run inspects the schema it made and changes nothing.
			require.NoError(t, client.Schema.Create(ctx))
		})

		t.Run("Create", func(t *testing.T) {
			ann := client.User.Create().SetName("ann").SetAge(31).SaveX(ctx)
			assert.NotZero(t, ann.ID)
			bob := client.User.Create().SetName("bob").SetAge(25).SaveX(ctx)
			rex, err := client.Pet.Create().SetName("rex").SetBorn(born).SetOwner(ann).Save(ctx)
			require.NoError(t, err)
			assert.NotZero(t, rex.ID)
			pets, err := client.Pet.CreateBulk(
				client.Pet.Create().SetName("tom").SetOwner(ann),
				client.Pet.Create().SetName("kit").SetOwner(bob),
				client.Pet.Create().SetName("stray"),
			).Save(ctx)
			require.NoError(t, err)
			require.Len(t, pets, 3)
			for _, p := range pets {
				assert.NotZero(t, p.ID, p.Name)
			}
			assert.Equal(t, 4, client.Pet.Query().CountX(ctx))

			_, err = client.User.Create().SetName("ann").SetAge(40).Save(ctx)
			assert.True(t, ent.IsConstraintError(err), "a duplicate name is a constraint error: %v", err)
			_, err = client.User.Create().SetName("neg").SetAge(-1).Save(ctx)
			assert.True(t, ent.IsValidationError(err), "got %v", err)
		})

		t.Run("Query", func(t *testing.T) {
			users, err := client.User.Query().WithPets(func(q *ent.PetQuery) { q.Order(ent.Asc(pet.FieldName)) }).
				Order(ent.Asc(user.FieldName)).All(ctx)
			require.NoError(t, err)
			require.Len(t, users, 2)
			assert.Equal(t, "ann", users[0].Name)
			require.Len(t, users[0].Edges.Pets, 2)
			assert.Equal(t, []string{"rex", "tom"}, []string{users[0].Edges.Pets[0].Name, users[0].Edges.Pets[1].Name})
			require.NotNil(t, users[0].Edges.Pets[0].Born)
			assert.True(t, born.Equal(*users[0].Edges.Pets[0].Born), "born %v", *users[0].Edges.Pets[0].Born)
			assert.Nil(t, users[0].Edges.Pets[1].Born)

			owner, err := client.Pet.Query().Where(pet.Name("kit")).QueryOwner().Only(ctx)
			require.NoError(t, err)
			assert.Equal(t, "bob", owner.Name)

			names, err := client.Pet.Query().Where(pet.HasOwnerWith(user.AgeGT(30))).Order(ent.Desc(pet.FieldName)).
				Select(pet.FieldName).Strings(ctx)
			require.NoError(t, err)
			assert.Equal(t, []string{"tom", "rex"}, names)

			orphans := client.Pet.Query().Where(pet.Not(pet.HasOwner())).CountX(ctx)
			assert.Equal(t, 1, orphans)

			_, err = client.User.Query().Where(user.Name("nobody")).Only(ctx)
			assert.True(t, ent.IsNotFound(err), "got %v", err)

			var ages []struct {
				Sum int `json:"sum"`
			}
			require.NoError(t, client.User.Query().Aggregate(ent.Sum(user.FieldAge)).Scan(ctx, &ages))
			require.Len(t, ages, 1)
			assert.Equal(t, 56, ages[0].Sum)
		})

		t.Run("Update", func(t *testing.T) {
			ann := client.User.Query().Where(user.Name("ann")).OnlyX(ctx)
			ann = ann.Update().AddAge(1).SaveX(ctx)
			assert.Equal(t, 32, ann.Age)
			n, err := client.Pet.Update().Where(pet.Not(pet.HasOwner())).SetOwner(ann).Save(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			assert.Equal(t, 3, ann.QueryPets().CountX(ctx))
		})

		t.Run("Delete", func(t *testing.T) {
			n, err := client.Pet.Delete().Where(pet.Name("stray")).Exec(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			kit := client.Pet.Query().Where(pet.Name("kit")).OnlyX(ctx)
			require.NoError(t, client.Pet.DeleteOne(kit).Exec(ctx))
			assert.Equal(t, 2, client.Pet.Query().CountX(ctx))
			bob := client.User.Query().Where(user.Name("bob")).OnlyX(ctx)
			require.NoError(t, client.User.DeleteOneID(bob.ID).Exec(ctx))
			assert.Equal(t, 1, client.User.Query().CountX(ctx))
		})

		t.Run("Tx", func(t *testing.T) {
			tx, err := client.Tx(ctx)
			require.NoError(t, err)
			cy := tx.User.Create().SetName("cy").SetAge(40).SaveX(ctx)
			tx.Pet.Create().SetName("bo").SetOwner(cy).SaveX(ctx)
			assert.Equal(t, 2, tx.User.Query().CountX(ctx), "the transaction sees its own writes")
			require.NoError(t, tx.Commit())
			assert.Equal(t, 2, client.User.Query().CountX(ctx))
			assert.Equal(t, "cy", client.Pet.Query().Where(pet.Name("bo")).QueryOwner().OnlyX(ctx).Name)

			tx, err = client.Tx(ctx)
			require.NoError(t, err)
			tx.User.Create().SetName("dee").SetAge(19).SaveX(ctx)
			tx.Pet.Delete().ExecX(ctx)
			tx.User.Update().Where(user.Name("ann")).SetAge(99).ExecX(ctx)
			require.NoError(t, tx.Rollback())
			assert.Equal(t, 2, client.User.Query().CountX(ctx))
			assert.Equal(t, 3, client.Pet.Query().CountX(ctx))
			assert.Equal(t, 32, client.User.Query().Where(user.Name("ann")).OnlyX(ctx).Age)

			boom := errors.New("boom")
			err = withTx(ctx, client, func(tx *ent.Tx) error {
				tx.User.Create().SetName("eve").SetAge(52).SaveX(ctx)
				return boom
			})
			require.ErrorIs(t, err, boom)
			assert.False(t, client.User.Query().Where(user.Name("eve")).ExistX(ctx))
		})
	})
}

// withTx runs fn in a transaction, committing when it returns nil: the
// helper ent's documentation recommends.
func withTx(ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) error) error {
	tx, err := client.Tx(ctx)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	return tx.Commit()
}
