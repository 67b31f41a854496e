CREATE TABLE mig_countries (
    code VARCHAR(2) PRIMARY KEY,
    name VARCHAR(60) NOT NULL
);
