CREATE INDEX mig_orders_customer ON mig_orders (customer_id);
