-- mig_countries is a broadcast table: its DDL and its rows go to every
-- database, so this migration too runs outside a transaction.
-- +goose NO TRANSACTION

-- +goose Up
CREATE TABLE mig_countries (
    code VARCHAR(2) PRIMARY KEY,
    name VARCHAR(60) NOT NULL
);
INSERT INTO mig_countries (code, name) VALUES ('FR', 'France'), ('JP', 'Japan');

-- +goose Down
DROP TABLE mig_countries;
