### gorm_first
SELECT * FROM "users" WHERE "users"."id" = $1 AND "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT 1
### gorm_find_conditions
SELECT * FROM "users" WHERE name = $1 AND age >= $2 AND "users"."deleted_at" IS NULL
### gorm_where_or_group
SELECT * FROM "users" WHERE (name = $1 OR name = $2) AND "users"."deleted_at" IS NULL
### gorm_where_and_group
SELECT * FROM "users" WHERE (name = $1 AND age = $2) AND "users"."deleted_at" IS NULL
### gorm_in
SELECT * FROM "users" WHERE "users"."id" IN ($1,$2,$3) AND "users"."deleted_at" IS NULL
### gorm_create
INSERT INTO "users" ("created_at","updated_at","deleted_at","name","age") VALUES ($1,$2,$3,$4,$5) RETURNING "id"
### gorm_create_batch
INSERT INTO "users" ("name","age") VALUES ($1,$2),($3,$4),($5,$6) RETURNING "id"
### gorm_upsert
INSERT INTO "users" ("name","age") VALUES ($1,$2) ON CONFLICT ("id") DO UPDATE SET "name"="excluded"."name","age"="excluded"."age" RETURNING "id"
### gorm_on_conflict_do_nothing
INSERT INTO "users" ("name") VALUES ($1) ON CONFLICT DO NOTHING RETURNING "id"
### gorm_save
UPDATE "users" SET "created_at"=$1,"updated_at"=$2,"deleted_at"=$3,"name"=$4 WHERE "users"."deleted_at" IS NULL AND "id" = $5
### gorm_soft_delete
UPDATE "users" SET "deleted_at"=$1 WHERE "users"."id" = $2 AND "users"."deleted_at" IS NULL
### gorm_delete_unscoped
DELETE FROM "users" WHERE "users"."id" = $1
### gorm_count
SELECT count(*) FROM "users" WHERE "users"."deleted_at" IS NULL
### gorm_joins
SELECT "users"."id","users"."name","Company"."id" AS "Company__id","Company"."name" AS "Company__name" FROM "users" LEFT JOIN "companies" "Company" ON "users"."company_id" = "Company"."id" AND "Company"."deleted_at" IS NULL WHERE "users"."deleted_at" IS NULL
### gorm_for_update
SELECT * FROM "users" WHERE "users"."id" = $1 AND "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT 1 FOR UPDATE
### gorm_paginate
SELECT * FROM "users" WHERE "users"."deleted_at" IS NULL LIMIT 10 OFFSET 20
### gorm_group_having
SELECT name, sum(age) as total FROM "users" WHERE "users"."deleted_at" IS NULL GROUP BY "name" HAVING sum(age) > $1
### ent_get
SELECT "users"."id", "users"."age", "users"."name" FROM "users" WHERE "users"."id" = $1 LIMIT 2
### ent_query
SELECT DISTINCT "users"."id", "users"."name" FROM "users" WHERE "users"."age" > $1 ORDER BY "users"."id" LIMIT 10 OFFSET 20
### ent_count
SELECT COUNT(DISTINCT "users"."id") FROM "users"
### ent_create_bulk
INSERT INTO "users" ("age", "name") VALUES ($1, $2), ($3, $4) RETURNING "id"
### ent_update_one
UPDATE "users" SET "age" = $1, "name" = $2 WHERE "users"."id" = $3 RETURNING "id", "age", "name"
### ent_delete
DELETE FROM "users" WHERE "users"."id" = $1
### ent_edge_join
SELECT "t1"."id", "t1"."name" FROM "groups" AS "t1" JOIN "user_groups" AS "t2" ON "t1"."id" = "t2"."group_id" WHERE "t2"."user_id" IN ($1, $2)
### ent_for_update
SELECT "users"."id", "users"."name" FROM "users" WHERE "users"."id" = $1 LIMIT 2 FOR UPDATE
### ent_subquery
SELECT "users"."id" FROM "users" WHERE "users"."id" IN (SELECT "user_groups"."user_id" FROM "user_groups" WHERE "user_groups"."group_id" = $1)
### ent_aggregate
SELECT "users"."name", SUM("users"."age"), AVG("users"."age") AS "avg_age" FROM "users" GROUP BY "users"."name"
### ent_upsert
INSERT INTO "users" ("age", "name") VALUES ($1, $2) ON CONFLICT ("name") DO UPDATE SET "age" = "excluded"."age" RETURNING "id"
### sqlx_named_insert
INSERT INTO person (first_name, last_name, email) VALUES (:first_name, :last_name, :email)
### sqlx_named_select
SELECT * FROM person WHERE first_name = :fn AND email = :email
### sqlx_rebound
SELECT * FROM person WHERE first_name=$1 AND 5 < age
### complex_aggregate
SELECT SUM(a) / COUNT(b) AS ratio, MAX(c), COALESCE(MIN(d), 0), string_agg(e, ',') FROM t GROUP BY 1
### window
SELECT id, row_number() OVER (PARTITION BY account_id ORDER BY created_at DESC) AS rn FROM events
### set_operation
SELECT id FROM a WHERE x = 1 UNION ALL SELECT id FROM b ORDER BY 1 DESC LIMIT $1
### distinct_on_fetch
SELECT DISTINCT ON (account_id) account_id, amount FROM payments ORDER BY account_id, created_at DESC NULLS LAST OFFSET $1 ROWS FETCH FIRST 10 ROWS ONLY
### order_by_alias
SELECT account_id AS acct, count(*) AS n FROM payments GROUP BY account_id ORDER BY n DESC, acct
### between_and_compare
SELECT * FROM orders WHERE created_at BETWEEN $1 AND $2 AND total > 100.5 AND status <> 'void' AND id = -1
### casts
SELECT id::text FROM accounts WHERE id = $1::bigint AND region = 'eu'::text
### data_modifying_cte
WITH moved AS (DELETE FROM queue WHERE id = $1 RETURNING *) INSERT INTO done SELECT * FROM moved
### cte_read
WITH recent AS (SELECT * FROM orders WHERE created_at > now() - interval '1 day') SELECT r.id FROM recent r JOIN customers c ON c.id = r.customer_id
### select_into
SELECT * INTO archive_2024 FROM orders WHERE year = 2024
### derived_table
SELECT s.n FROM (SELECT count(*) AS n FROM orders GROUP BY customer_id) AS s WHERE s.n > 1
### nextval
SELECT nextval('orders_id_seq')
### multi_statement
SELECT 1; DELETE FROM t
### begin_read_only
BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE
### set_local
SET LOCAL statement_timeout = '5s'
### advisory_lock
SELECT pg_try_advisory_lock(hashtext($1))
### tuple_in
SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4)) AND c IS NOT NULL
### comments_kept
/* leading */ SELECT a -- the a column
FROM t /* table */ WHERE a = $1 -- trailing
### update_from
UPDATE accounts SET balance = accounts.balance - p.amount FROM payments p WHERE p.account_id = accounts.id AND p.id = $1
### delete_using
DELETE FROM orders o USING customers c WHERE o.customer_id = c.id AND c.region = $1 RETURNING o.id
### explain_analyze_write
EXPLAIN ANALYZE UPDATE t SET a = 1
### locking_of
SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = $1 FOR UPDATE OF o NOWAIT
