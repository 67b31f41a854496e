-- One statement per file on a sharded or broadcast table: Grant refuses a
-- text of several statements that touches one.
CREATE TABLE mig_orders (
    id          BIGINT PRIMARY KEY,
    customer_id BIGINT NOT NULL,
    total       BIGINT NOT NULL
);
