-- 005: the HTTP status GitHub answered when a report failed (401, 403, 404, 5xx...), so clients can
-- tell a permission or policy problem from an outage without parsing the message.
ALTER TABLE reports ADD COLUMN error_status INTEGER;
