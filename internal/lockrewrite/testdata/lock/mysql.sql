### gorm_first: update; share; update nowait; share nowait; update skip; share skip
SELECT * FROM `users` WHERE `users`.`id` = ? ORDER BY `users`.`id` LIMIT 1
### gorm_limit_placeholder
SELECT * FROM `users` WHERE `users`.`id` = ? ORDER BY `users`.`id` LIMIT ?
### gorm_joins: update; update of=orders
SELECT `orders`.`id`,`orders`.`user_id`,`User`.`id` AS `User__id` FROM `orders` LEFT JOIN `users` `User` ON `orders`.`user_id` = `User`.`id` WHERE `orders`.`id` = ?
### ent_select: update; update of=accounts
SELECT `accounts`.`id`, `accounts`.`balance` FROM `accounts` WHERE `accounts`.`user_id` = ? LIMIT 10 OFFSET 20
### limit_comma
SELECT * FROM jobs ORDER BY id LIMIT 20, 10
### sqlx_in
SELECT * FROM users WHERE id IN (?, ?, ?)
### subquery_in_where
SELECT * FROM accounts WHERE user_id IN (SELECT id FROM users WHERE org_id = ?)
### derived: update; update of=x
SELECT * FROM (SELECT * FROM users WHERE age > ?) x
### cte
WITH recent AS (SELECT id FROM orders WHERE total > ?) SELECT o.* FROM orders o JOIN recent r ON r.id = o.id
### comments
/* leading */ SELECT id FROM jobs # pick
WHERE state = 'queued' /* inline */ ORDER BY run_at LIMIT 1 -- trailing
### trailing_semicolon
SELECT * FROM jobs WHERE id = ?;
### of_alias: update of=a; share of=accounts nowait; update of=a skip
SELECT * FROM accounts a JOIN users u ON u.id = a.user_id WHERE a.id = ?
### timeouts: update timeout=1500ms; share timeout=1s; update nowait timeout=1s; update skip timeout=2s; update timeout=1ms
SELECT * FROM accounts WHERE id = ?
### aggregates_lock_every_read_row: update; share
SELECT count(*) FROM users WHERE org_id = ?
### group_by_and_distinct
SELECT DISTINCT org_id FROM users GROUP BY org_id
### window
SELECT id, ROW_NUMBER() OVER (ORDER BY id) FROM users
### left_join_locks_both
SELECT * FROM users a LEFT JOIN orders b ON b.user_id = a.id
### select_without_from
SELECT 1
### already_locked
SELECT * FROM users WHERE id = ? LOCK IN SHARE MODE
### union
SELECT id FROM users UNION SELECT user_id FROM accounts
### table_statement
TABLE users
### select_into_variable
SELECT id INTO @x FROM users LIMIT 1
### executable_comment
SELECT /*!40001 SQL_NO_CACHE */ * FROM users
### no_key_update_refused: no_key_update; key_share
SELECT * FROM users
### of_unknown: update of=nosuch
SELECT * FROM users
### update_passes
UPDATE users SET name = ? WHERE id = ?
