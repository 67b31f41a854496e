ALTER TABLE mig_orders DROP COLUMN note;
