DELETE FROM mig_countries;
