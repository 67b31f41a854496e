### gorm_first
SELECT * FROM "users" WHERE "users"."id" = $1 ORDER BY "users"."id" LIMIT $2
### gorm_find_where: update; share; no_key_update; key_share
SELECT * FROM "users" WHERE name = $1 AND "users"."deleted_at" IS NULL
### gorm_joins: update; update of=orders; update of=User
SELECT "orders"."id","orders"."user_id","User"."id" AS "User__id","User"."name" AS "User__name" FROM "orders" LEFT JOIN "users" "User" ON "orders"."user_id" = "User"."id" WHERE "orders"."id" = $1
### gorm_inner_join: update; share of=users nowait
SELECT "orders"."id" FROM "orders" INNER JOIN "users" ON "users"."id" = "orders"."user_id" WHERE "users"."org_id" = $1
### ent_select
SELECT "accounts"."id", "accounts"."balance" FROM "accounts" WHERE "accounts"."user_id" = $1 LIMIT 10 OFFSET 20
### ent_derived_join: update; update of=t1; update of=t2
SELECT "t1"."id" FROM "orders" AS "t1" JOIN (SELECT "users"."id" FROM "users" WHERE "users"."age" > $1) AS "t2" ON "t1"."user_id" = "t2"."id"
### sqlx_in
SELECT * FROM users WHERE id IN ($1, $2, $3)
### subquery_in_where
SELECT * FROM accounts WHERE user_id IN (SELECT id FROM users WHERE org_id = $1 GROUP BY id)
### scalar_subquery_with_count
SELECT u.*, (SELECT count(*) FROM orders o WHERE o.user_id = u.id) AS n FROM users u
### cte: update; update of=o; update of=recent
WITH recent AS (SELECT id FROM orders WHERE total > $1) SELECT o.* FROM orders o JOIN recent r ON r.id = o.id
### cte_with_aggregate_not_locked
WITH totals AS (SELECT user_id, sum(total) AS s FROM orders GROUP BY user_id) SELECT u.id, t.s FROM users u JOIN totals t ON t.user_id = u.id
### comments
/* leading */ SELECT id FROM jobs -- pick
WHERE state = 'queued' /* inline */ ORDER BY run_at LIMIT 1 -- trailing
### trailing_semicolon
SELECT * FROM jobs WHERE id = $1;
### semicolon_and_comment
SELECT * FROM jobs WHERE id = $1 ; -- done
### fetch_first
SELECT * FROM jobs ORDER BY id OFFSET 5 ROWS FETCH FIRST 10 ROWS ONLY
### fetch_with_ties: update; update skip
SELECT * FROM jobs ORDER BY run_at FETCH FIRST 1 ROWS WITH TIES
### of_alias: update of=a; share of=accounts nowait; update of=A; update of=public.accounts
SELECT * FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.id = $1
### self_join_of_table: update of=users
SELECT * FROM users boss JOIN users emp ON emp.org_id = boss.org_id WHERE boss.id = $1
### quoted_mixed_case_alias: update of=Acc
SELECT * FROM accounts "Acc" WHERE "Acc".id = $1
### queue: update skip; no_key_update skip; key_share nowait; update nowait
SELECT id FROM jobs WHERE state = 'queued' ORDER BY run_at LIMIT 10
### timeouts: update timeout=1500ms; share nowait timeout=1s; update timeout=1us
SELECT * FROM accounts WHERE id = $1
### derived_with_limit
SELECT * FROM (SELECT * FROM users WHERE age > $1 LIMIT 5) u
### derived_values
SELECT * FROM (VALUES (1), (2)) v(x)
### table_statement
TABLE users
### select_without_from
SELECT 1
### function_in_from: update; update of=g
SELECT * FROM generate_series(1, 3) g
### only_table
SELECT * FROM ONLY users WHERE id = $1
### right_join_of: update of=u; update of=o
SELECT * FROM orders o RIGHT JOIN users u ON u.id = o.user_id
### full_join
SELECT * FROM orders o FULL JOIN users u ON u.id = o.user_id
### left_join_then_inner: update of=c
SELECT * FROM users a LEFT JOIN orders b ON b.user_id = a.id JOIN accounts c ON c.id = b.user_id
### left_join_of_nullable: update of=b
SELECT * FROM users a LEFT JOIN orders b ON b.user_id = a.id
### comma_then_right_join: update of=a
SELECT * FROM users a, orders b RIGHT JOIN accounts c ON c.user_id = b.user_id
### parenthesised_outer_join: update of=a
SELECT * FROM users a LEFT JOIN (orders b JOIN accounts c ON c.id = b.id) ON b.user_id = a.id
### already_locked
SELECT * FROM users WHERE id = $1 FOR UPDATE
### subquery_already_locked
SELECT * FROM users WHERE id IN (SELECT user_id FROM accounts FOR SHARE)
### union
SELECT id FROM users UNION SELECT user_id FROM accounts
### count
SELECT count(*) FROM users WHERE org_id = $1
### string_agg
SELECT org_id, string_agg(name, ',') FROM users GROUP BY org_id
### aggregate_in_expression
SELECT coalesce(max(age), 0) + 1 FROM users
### distinct
SELECT DISTINCT org_id FROM users
### distinct_on
SELECT DISTINCT ON (org_id) * FROM users ORDER BY org_id, id
### group_by
SELECT org_id FROM users GROUP BY org_id
### having
SELECT 1 FROM users HAVING true
### window
SELECT id, row_number() OVER (ORDER BY id) FROM users
### srf_in_select_list
SELECT id, unnest(ARRAY[1, 2]) FROM users
### derived_group_by: update; update of=u
SELECT * FROM (SELECT org_id, count(*) AS n FROM users GROUP BY org_id) x, users u WHERE u.org_id = x.org_id
### derived_union
SELECT * FROM (SELECT id FROM users UNION SELECT id FROM accounts) x
### lateral_aggregate
SELECT * FROM users u, LATERAL (SELECT count(*) FROM orders o WHERE o.user_id = u.id) c
### values
VALUES (1), (2)
### select_into
SELECT * INTO TEMP users_copy FROM users
### multi_statement
SELECT 1; SELECT 2
### not_understood
SELECT * FROM users WHERE id = $1 ORDER BY id LIMIT 1 LIMIT 2
### of_unknown: update of=nosuch
SELECT * FROM users
### of_cte: update of=c
WITH c AS (SELECT id FROM users) SELECT * FROM c JOIN users u ON u.id = c.id
### of_function: update of=g
SELECT * FROM generate_series(1, 3) g JOIN users u ON u.id = g
### of_empty_name: update of=
SELECT * FROM users
### update_passes
UPDATE users SET name = $1 WHERE id = $2
### insert_passes
INSERT INTO users (id, name) VALUES ($1, $2)
### explain_passes
EXPLAIN SELECT * FROM users
