DROP TABLE mig_notes;
