### gorm_first
SELECT * FROM `users` WHERE `users`.`id` = ? AND `users`.`deleted_at` IS NULL ORDER BY `users`.`id` LIMIT 1
### gorm_first_double_quotes
SELECT * FROM "users" WHERE "users"."id" = ? AND "users"."deleted_at" IS NULL ORDER BY "users"."id" LIMIT 1
### gorm_create_returning
INSERT INTO `users` (`created_at`,`updated_at`,`name`) VALUES (?,?,?),(?,?,?) RETURNING `id`
### gorm_upsert
INSERT INTO `users` (`id`,`name`) VALUES (?,?) ON CONFLICT (`id`) DO UPDATE SET `name`=`excluded`.`name`
### insert_or_ignore
INSERT OR IGNORE INTO tags (name) VALUES (?)
### update_or_replace
UPDATE OR REPLACE tags SET name = ? WHERE id = ?
### named_parameters
SELECT * FROM t WHERE a = :a AND b = @b AND c = $c AND d = :a AND e = ?
### numbered_parameters
SELECT * FROM t WHERE a = ?2 AND b = ?1 AND c = ?
### limit_offset
SELECT * FROM users LIMIT ? OFFSET ?
### limit_comma
SELECT * FROM users LIMIT 5, 10
### bracket_identifier
SELECT [order].[id] FROM [order] WHERE [order].[total] > 10
### scalar_min
SELECT min(a, b), max(c) FROM t
### pragma_set
PRAGMA journal_mode = WAL
### pragma_read
PRAGMA table_info(users)
### begin_immediate
BEGIN IMMEDIATE TRANSACTION
### last_insert_rowid
SELECT last_insert_rowid()
### indexed_by
SELECT * FROM users INDEXED BY idx_email WHERE email = ?
