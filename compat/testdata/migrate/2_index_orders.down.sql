-- DROP INDEX names no table, so Grant cannot know it belongs to a sharded
-- table: it would run on the default database only. Dropping the table
-- drops its indexes on every shard; here the down migration of version 1
-- does that, so this one has nothing to do.
SELECT 1;
