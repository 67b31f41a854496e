DROP TABLE mig_orders;
