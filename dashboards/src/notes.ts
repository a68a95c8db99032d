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

/** Said on every panel that may need per-person rows of the usage reports, which PRIVACY_MODE limits. */
export const PRIVACY_MODES =
  'With the ingester in a privacy mode, groups of fewer people than its minimum group size show no value, and aggregate mode keeps no per-person figures at all.';

/** Said on the seats panels instead: the minimum group size does not apply to seats. */
export const SEATS_NOT_KEPT =
  'With the ingester in aggregate privacy mode no seats are synced: every seat is a per-person record.';

/**
 * What those panels show instead of a bare "No data". True in every mode, so it names no cause; when
 * the privacy mode is the reason, the ingester's notice says so in the panel header (unless a join
 * transformation dropped it: Grafana's joins keep no frame meta).
 */
export const PER_PERSON_NO_DATA =
  'No data. In aggregate privacy mode the ingester keeps no per-person figures.';

/** Said first on every panel of the signed-in person's own figures (user `@me`). */
export const OWN_FIGURES =
  'Your own figures: the ingester learns who you are from the ID token Grafana sends with each request (your Grafana login, which is your GitHub login when you sign in with GitHub), never from a variable or the browser. With the ingester in aggregate privacy mode there are no per-person figures.';

/**
 * What those panels show instead of a bare "No data": the three reasons there may be none. An
 * anonymous viewer also gets the ingester's notice to sign in, in the panel header.
 */
export const OWN_FIGURES_NO_DATA =
  'No figures of yours. Not signed in? Sign in to Grafana to see them. Signed in: GitHub reports no Copilot activity for your login in this scope and time range, or the ingester keeps no per-person figures (aggregate privacy mode).';

/** Said on every panel that follows the Days variable. */
export const DAYS_FOLLOWED =
  'Days: every day, or working days only (WORKWEEK, HOLIDAYS_FILE) when Days is set to working days.';

/** Said on the panels that count working days only, whatever the Days variable says. */
export const WORKING_DAYS_ONLY =
  'Days: working days only (WORKWEEK less HOLIDAYS_FILE), whatever Days is set to: weekends and holidays are left out.';

/** Said on the panels that count every day, whatever the Days variable says. */
export const EVERY_DAY_ONLY = 'Days: every day, whatever Days is set to.';

/** Said on the seat panels of dashboards with a Days variable: a seat is a snapshot, not a sum of days. */
export const SNAPSHOT_DAYS = 'Days: a seat is read from one snapshot, whatever Days is set to.';

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

/** Seats are snapshots of the seats API, not daily reports: said on every seats panel. */
export const SEAT_SNAPSHOTS =
  "Seats come from GitHub's seats API, read at every sync: one snapshot per day (the last of the day), kept from the first sync on, since GitHub cannot tell past days' seats. A week or month shows its latest snapshot; a stat or table, the latest in the time range.";

export const SEAT_ACTIVITY =
  "A seat is active when its last Copilot activity (GitHub's last_activity_at, up to a day late, kept for 90 days) is on one of the 30 days ending on the snapshot day; inactive seats include never-used ones.";

export const ENTERPRISE_SEATS =
  "An enterprise's seats are the union of its synced organizations' seats, each person counted once.";

/** Shown on the Seats dashboard, next to the figures it qualifies. */
export const SEAT_NOTES = `**Reading seat figures.** The usage reports carry no licence data: seats come from GitHub's seats API (\`/orgs/{org}/copilot/billing/seats\`), the source of truth for licences, read at every sync.

* **Snapshots.** Each sync records the seats of its UTC day (the last sync of a day wins). GitHub cannot tell past days' seats, so the history starts at the first sync that read them.
* **Active / inactive.** A seat is active when its last Copilot activity is on one of the 30 days ending on the snapshot day; **inactive** seats include **never-used** ones (no activity GitHub knows of: it keeps the last activity for 90 days, and reports it up to a day late).
* **Enterprises** count each person of their synced organizations once: the union of the organizations' seats.
* **Seats against usage** set each snapshot against the users-1-day reports of the 28 days ending two days before it (GitHub publishes a day about two days late). A person using Copilot in an organization without a seat there is usually licensed through another organization.
* Listing seats needs an organization owner's token with \`manage_billing:copilot\` or \`read:org\`; without it these panels stay empty and the sync status says why.`;
