-- mig_orders is sharded: Grant runs its DDL on every shard, and statements on
-- several databases cannot share one transaction, so this migration runs
-- outside one.
-- +goose NO TRANSACTION

-- +goose Up
CREATE TABLE mig_orders (
    id          BIGINT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    total       BIGINT NOT NULL
);
CREATE INDEX mig_orders_customer ON mig_orders (customer_id);

-- +goose Down
DROP TABLE mig_orders;
