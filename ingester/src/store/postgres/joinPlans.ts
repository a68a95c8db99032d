/**
 * The joins a report's commit runs over the day it has just written (team_day's rebuild, the team
 * sets' scan: usage_day × team_members of one scope and day) are planned from statistics that cannot
 * know that day: its rows are new, and while a table holds fewer days than the statistics target every
 * stored day is a most-common value, so the planner estimates one row for any other (ANALYZE does not
 * help; autovacuum's did not). On that estimate it picks a nested loop that rereads the day's usage rows
 * for every membership: seconds a report at 10,000 users, growing with the team sizes. A hash or merge
 * join reads each side once whatever the estimate, so these statements run with nested loops off.
 */
import type { Query } from './writerConnection';

/** Runs `work`'s statements with nested-loop joins off (inside the open transaction only). */
export async function withoutNestedLoops<T>(query: Query, work: () => Promise<T>): Promise<T> {
  await query('SET LOCAL enable_nestloop = off');
  const result = await work();
  await query('SET LOCAL enable_nestloop = DEFAULT');
  return result;
}
