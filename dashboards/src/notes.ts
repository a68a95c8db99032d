/** Caveats that recur in panel descriptions, in one wording everywhere. */

/** Acceptance by count and by lines answer different questions; panels say which one they show. */
export const ACCEPTANCE_BY_COUNT =
  'Acceptance rate here is by count: accepted suggestions (accept actions) ÷ suggestions shown (code generation events), a ratio of sums over each bucket. Acceptance by lines (lines added ÷ lines suggested) is a different figure and runs higher, because agent edits add lines that were never suggested.';

export const ACCEPTANCE_BY_LINES =
  'Acceptance by lines: lines added ÷ lines suggested to add. It is not acceptance by count (accept actions ÷ suggestions shown); agent edits add lines that were never suggested, so it can exceed 100%.';

export const ORG_TOTALS =
  'Organization totals are not deduplicated across organizations (someone active in two organizations counts in both); enterprise totals are deduplicated.';

export const SMALL_TEAMS =
  'GitHub leaves teams with fewer than 5 seats out of its team report, so small teams are absent; membership is joined day by day (the team someone was in on that day), and someone in two teams counts in both.';

export const USER_ROWS =
  'Counted from per-user rows: users seen only through server-side telemetry count toward daily active users but not here.';

export const REPORTED_USER_COUNTS =
  "A count GitHub reports for the whole scope: it cannot be split by team, IDE or language, and over a week or month bucket it is the average of the days' values.";

/** Which features count as agent-initiated lines and which as user-initiated ones. */
export const AGENT_FEATURES = ['agent_edit', 'copilot_cli', 'copilot_app'];
export const USER_FEATURES = [
  'code_completion',
  'chat_inline',
  'chat_panel_ask_mode',
  'chat_panel_edit_mode',
  'chat_panel_agent_mode',
  'chat_panel_plan_mode',
  'chat_panel_custom_mode',
  'chat_panel_unknown_mode',
];
export const CHAT_MODES = USER_FEATURES.filter((f) => f.startsWith('chat_panel_'));

/** Shown on the Teams dashboard, next to the figures it qualifies. */
export const TEAM_NOTES = `**Reading team figures.** Teams come from GitHub's daily *user-teams* report, joined day by day with the per-user report: a person counts for the team they were in **on that day**, not today's.

* Teams with **fewer than 5 seats are absent**: GitHub leaves them out to protect individuals.
* Someone in two teams counts in both, so team totals can add up to more than the scope's total.
* Team figures count per-user rows, so they can be lower than the scope's *daily active users*, which also counts people seen only through server-side telemetry.
* ${ORG_TOTALS}`;
