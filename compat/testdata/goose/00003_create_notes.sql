-- mig_notes is neither sharded nor broadcast: it lives in the default
-- database, and its migration keeps goose's transaction.

-- +goose Up
CREATE TABLE mig_notes (
    id   BIGINT PRIMARY KEY,
    body VARCHAR(200) NOT NULL
);
INSERT INTO mig_notes (id, body) VALUES (1, 'orders are sharded by customer_id');

-- +goose Down
DROP TABLE mig_notes;
