DELETE FROM mig_orders WHERE id IN (1, 2, 3);
