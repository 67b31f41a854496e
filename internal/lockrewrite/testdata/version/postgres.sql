### gorm_updates
UPDATE "users" SET "name"=$1,"updated_at"=$2 WHERE "users"."deleted_at" IS NULL AND "id" = $3
### gorm_save_sets_version
UPDATE "users" SET "name"=$1,"lock_version"=$2 WHERE "id" = $3
### ent_update
UPDATE "users" SET "age" = $1 WHERE "users"."id" = $2
### table_column
UPDATE accounts SET balance = balance - $1 WHERE id = $2
### schema_qualified_table
UPDATE audit.events SET payload = $1 WHERE id = $2
### mixed_case_column
UPDATE "Mixed" SET x = $1 WHERE id = $2
### where_or
UPDATE users SET name = $1 WHERE id = $2 OR email = $3
### where_and_group_with_or
UPDATE users SET name = $1 WHERE org_id = $2 AND (id = $3 OR id = $4)
### where_tests_version_already
UPDATE users SET name = $1 WHERE id = $2 AND lock_version = $3
### no_where
UPDATE users SET age = age + 1
### returning
UPDATE users SET name = $1 WHERE id = $2 RETURNING id, lock_version
### no_where_returning
DELETE FROM users RETURNING id
### update_from_alias
UPDATE accounts a SET balance = $1 FROM users u WHERE u.id = a.user_id AND u.id = $2
### update_from_no_alias
UPDATE accounts SET balance = 0 FROM users WHERE users.id = accounts.user_id AND users.id = $1
### delete
DELETE FROM "users" WHERE "users"."id" = $1
### delete_using
DELETE FROM accounts a USING users u WHERE u.id = a.user_id AND u.org_id = $1
### subquery_in_set
UPDATE users SET org_id = (SELECT org_id FROM users WHERE id = $1) WHERE id = $2
### cte
WITH x AS (SELECT id FROM users WHERE org_id = $1) UPDATE users SET age = $2 WHERE id IN (SELECT id FROM x)
### comment_and_semicolon
UPDATE users SET age = $1 /* why */ WHERE id = $2; -- done
### no_placeholders
UPDATE users SET age = 1 WHERE id = 1
### numbers_out_of_order
UPDATE users SET name = $2 WHERE id = $1
### where_current_of
UPDATE users SET age = 1 WHERE CURRENT OF c
### multi_statement
UPDATE users SET age = 1; UPDATE users SET age = 2
### select_passes
SELECT * FROM users WHERE id = $1
### insert_passes
INSERT INTO users (id, name) VALUES ($1, $2)
