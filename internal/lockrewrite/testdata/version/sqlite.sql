### positional
UPDATE users SET name = ? WHERE id = ?
### named_colon
UPDATE users SET name = :name WHERE id = :id
### named_repeated_and_later
UPDATE users SET name = :name WHERE id = :id AND name <> :name RETURNING :tag, id
### named_at_and_dollar
UPDATE users SET name = @name WHERE id = $id
### numbered
UPDATE users SET name = ?2 WHERE id = ?1
### dollar_numbered
UPDATE users SET name = $2 WHERE id = $1
### numbered_mixed
UPDATE users SET name = ?1 WHERE id = ?
### update_from
UPDATE accounts SET balance = 0 FROM users WHERE users.id = accounts.user_id AND users.id = ?
### returning_no_where
DELETE FROM users RETURNING id
### delete
DELETE FROM users WHERE id = ?
