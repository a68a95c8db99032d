-- PostgreSQL twin of store/migrations/007_agent_labels.sql: the same tables, columns, keys and indexes, in
-- PostgreSQL's dialect (../README.md has the type mapping); the comments below are the SQLite file's.
-- 007: series grouped by agent are labelled with the agent's latest display name; this index finds it
-- without reading every by_agent row.
CREATE INDEX by_agent_by_agent ON by_agent (agent, day);
