### gorm_updates
UPDATE `users` SET `name`=?,`updated_at`=? WHERE `users`.`deleted_at` IS NULL AND `id` = ?
### order_limit_after_where
UPDATE jobs SET state = 'done' WHERE state = ? ORDER BY run_at LIMIT ?
### no_where_order_limit
UPDATE jobs SET state = 'done' ORDER BY id LIMIT ?
### delete_limit
DELETE FROM jobs WHERE state = ? LIMIT ?
### delete_no_where_limit
DELETE FROM `jobs` ORDER BY `id` LIMIT 1
### where_or_then_limit
UPDATE users SET name = ? WHERE id = ? OR email = ? LIMIT ?
### subquery_placeholder_before_where
UPDATE users SET org_id = (SELECT org_id FROM accounts WHERE id = ?) WHERE id = ? LIMIT ?
### table_column
UPDATE accounts SET balance = balance - ? WHERE id = ?
### mixed_case_column
UPDATE Mixed SET x = ? WHERE id = ?
### hash_comment
UPDATE users SET age = ? WHERE id = ? # by id
### low_priority
UPDATE LOW_PRIORITY users SET age = ? WHERE id = ?
### multi_table_update
UPDATE users u JOIN accounts a ON a.user_id = u.id SET a.balance = 0 WHERE u.id = ?
### named_placeholder
UPDATE users SET age = :age WHERE id = :id
