-- Statements on tables of the default database only may share a file.
CREATE TABLE mig_notes (
    id   BIGINT PRIMARY KEY,
    body VARCHAR(200) NOT NULL
);
INSERT INTO mig_notes (id, body) VALUES (1, 'orders are sharded by customer_id');
