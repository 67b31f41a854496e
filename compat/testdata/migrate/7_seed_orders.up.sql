INSERT INTO mig_orders (id, customer_id, total, note) VALUES (1, 1, 10, 'first'), (2, 2, 20, NULL), (3, 3, 30, 'third');
