DROP TABLE mig_countries;
