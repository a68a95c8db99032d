-- 014: no index over every user-day row in user order. usage_day_by_user (003) put each person's days
-- side by side, so every users report inserted its 100,000 rows at 100,000 places scattered over an
-- index that grows all year: late in a year-long backfill each report rewrote about one index page per
-- person, and a report took ten times as long as the first ones. The figure tables' primary keys are
-- day-ordered (scope_id, day, user_ref, ...), so a report appends at one place.
--
-- What read people one at a time now seeks the primary key per day (a person's days in a range, the
-- top people's series, a seat's usage window), and a search over people first asks the monthly rollup,
-- through this index: user_month holds one row per person and month, rewritten for the month of each
-- users report, small enough to stay in the cache.
DROP INDEX usage_day_by_user;
CREATE INDEX user_month_by_user ON user_month (scope_id, user_ref, month);
