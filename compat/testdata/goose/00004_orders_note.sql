-- A column on a sharded table and rows spread over the shards: Grant splits
-- the INSERT by customer_id.
-- +goose NO TRANSACTION

-- +goose Up
ALTER TABLE mig_orders ADD COLUMN note VARCHAR(40);
INSERT INTO mig_orders (id, customer_id, total, note) VALUES (1, 1, 10, 'first'), (2, 2, 20, NULL), (3, 3, 30, 'third');

-- +goose Down
DELETE FROM mig_orders WHERE id IN (1, 2, 3);
ALTER TABLE mig_orders DROP COLUMN note;
