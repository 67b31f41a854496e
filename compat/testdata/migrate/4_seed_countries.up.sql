INSERT INTO mig_countries (code, name) VALUES ('FR', 'France'), ('JP', 'Japan');
