### gorm_first
SELECT * FROM `users` WHERE `users`.`id` = ? AND `users`.`deleted_at` IS NULL ORDER BY `users`.`id` LIMIT 1
### gorm_create_batch
INSERT INTO `users` (`created_at`,`updated_at`,`deleted_at`,`name`,`age`) VALUES (?,?,?,?,?),(?,?,?,?,?)
### gorm_upsert
INSERT INTO `users` (`name`,`age`) VALUES (?,?) ON DUPLICATE KEY UPDATE `name`=VALUES(`name`),`age`=VALUES(`age`)
### gorm_save
UPDATE `users` SET `name`=?,`updated_at`=? WHERE `users`.`deleted_at` IS NULL AND `id` = ?
### gorm_delete
DELETE FROM `users` WHERE `users`.`id` = ?
### gorm_paginate
SELECT * FROM `users` WHERE `users`.`deleted_at` IS NULL LIMIT 10 OFFSET 20
### gorm_in
SELECT * FROM `users` WHERE `users`.`id` IN (?,?,?) AND `users`.`deleted_at` IS NULL
### gorm_for_update_skip_locked
SELECT * FROM `users` WHERE `users`.`id` = ? AND `users`.`deleted_at` IS NULL FOR UPDATE SKIP LOCKED
### gorm_share_mode
SELECT * FROM `users` WHERE `users`.`id` = ? LOCK IN SHARE MODE
### limit_comma
SELECT id, name FROM users ORDER BY id LIMIT 20, 10
### update_order_limit
UPDATE jobs SET state = 'taken', owner = ? WHERE state = 'ready' ORDER BY priority DESC, id LIMIT 1
### delete_limit
DELETE FROM sessions WHERE expires_at < NOW() LIMIT 1000
### replace_into
REPLACE INTO `kv` (`k`, `v`) VALUES ('a', 'it\'s'), ('b', NULL)
### insert_set
INSERT IGNORE INTO kv SET k = 'a', v = 1
### insert_select
INSERT INTO archive (id, total) SELECT id, total FROM orders WHERE year = 2024
### sqlx_named
SELECT * FROM person WHERE first_name = :first AND last_name = :last
### into_variable
SELECT COUNT(*) INTO @n FROM users
### user_variable_assign
SELECT @rank := @rank + 1 AS rank, name FROM users
### executable_comment
SELECT /*!40001 SQL_NO_CACHE */ * FROM users
### hash_comment
SELECT id FROM users # WHERE id = 1; DELETE FROM users
### index_hint
SELECT * FROM users USE INDEX (idx_email) WHERE email = ?
### calc_found_rows
SELECT SQL_CALC_FOUND_ROWS id FROM users LIMIT 10
### last_insert_id
SELECT LAST_INSERT_ID()
### get_lock
SELECT GET_LOCK('migrations', 10)
### multi_table_delete
DELETE u FROM users u JOIN bans b ON b.user_id = u.id
### xa_prepare
XA PREPARE 'grant-7', 'shard-2'
### set_names
SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci
### interval_expression
SELECT * FROM events WHERE created_at > NOW() - INTERVAL 1 DAY AND kind = _utf8mb4'click'
### or_pipes
SELECT * FROM users WHERE id = 1 || id = 2
