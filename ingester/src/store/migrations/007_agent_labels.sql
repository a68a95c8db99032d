-- 007: series grouped by agent are labelled with the agent's latest display name; this index finds it
-- without reading every by_agent row.
CREATE INDEX by_agent_by_agent ON by_agent (agent, day);
