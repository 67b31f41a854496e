### gorm_first: update; share; update of=users; update nowait timeout=1s
SELECT * FROM `users` WHERE `users`.`id` = ? ORDER BY `users`.`id` LIMIT 1
### aggregate_runs_unchanged
SELECT count(*) FROM users
### skip_locked_refused: update skip
SELECT * FROM jobs ORDER BY id LIMIT 1
### no_key_update_refused: no_key_update; key_share
SELECT * FROM users
### update_passes
UPDATE users SET name = ? WHERE id = ?
