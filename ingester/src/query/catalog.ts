/**
 * Every queryable metric and dimension. Adding a metric family is one entry here: the planner and the
 * catalog endpoint derive everything else (valid groupings, source table, SQL) from these entries.
 * Descriptions paraphrase GitHub's "Copilot usage metrics" field reference.
 */
import type { DictKind } from '../reports/schema';
import {
  ADOPTION_PHASE_AVERAGES,
  CUSTOMIZATION_KINDS,
  PULL_REQUEST_COUNTERS,
  REVIEW_STAGE_MINUTES,
} from '../reports/schema';
import type { SyncKind } from '../reports/types';

export const DIMENSIONS = [
  'none',
  'ide',
  'feature',
  'language',
  'model',
  'team',
  'user',
  'repository',
  'agent',
  'comment_type',
  'adoption_phase',
  'ide_version',
  'plugin_version',
  'cli_version',
  'customization',
  'plan_type',
  'editor',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const DIMENSION_INFO: Record<Dimension, string> = {
  none: 'No breakdown: one series for the scope',
  ide: 'IDE (totals_by_ide.ide), e.g. vscode, intellij',
  feature:
    'Copilot feature (totals_by_feature.feature), e.g. code_completion, chat_panel_agent_mode, agent_edit, copilot_cli',
  language: 'Programming language (totals_by_language_*.language)',
  model:
    'AI model (totals_by_model_feature / totals_by_language_model): chat and agent only, not completions',
  team: 'GitHub team, from user-teams-1-day joined per day with users-1-day (membership on that day); for seat metrics, the team that assigned the seat (seats API assigning_team)',
  user: 'GitHub user login, from users-1-day',
  repository: 'Repository (owner/name), from repos-1-day',
  agent: '3rd-party agent app (totals_by_3rd_party_agent.agent_id, shown by name)',
  comment_type: 'Copilot code review comment type (copilot_suggestions_by_comment_type.comment_type)',
  adoption_phase:
    'AI adoption phase (ai_adoption_phase.phase per user, totals_by_ai_adoption_phase per scope)',
  ide_version: 'Last known IDE version of each user (totals_by_ide.last_known_ide_version)',
  plugin_version:
    'Last known Copilot extension version of each user (totals_by_ide.last_known_plugin_version)',
  cli_version: 'Last known Copilot CLI version of each user (totals_by_cli.last_known_cli_version)',
  customization:
    'CLI customization item: a skill, custom agent, MCP server, slash command or plugin (top 5 per report)',
  plan_type: 'Copilot plan of a seat (seats API plan_type): business, enterprise or unknown',
  editor:
    "Client of a seat's last Copilot activity, without versions (seats API last_activity_editor, e.g. vscode)",
};

/** A figure table the planner can read, with the dimensions it carries as columns. */
export interface Source {
  table: string;
  subject: 'user_ref' | 'repo_ref';
  /** Report that fills subject 0 (the scope's own record) and subject > 0 rows. */
  reports: { aggregate: SyncKind; rows: SyncKind };
  /** Whether subject-0 rows exist (the scope's aggregate). */
  aggregate: boolean;
  /** Whether subject > 0 rows are users (so team and user apply). */
  perUser: boolean;
  dimensions: Partial<Record<Dimension, { column: string; dict: DictKind; userRowsOnly?: boolean }>>;
  /** Dimensions held as refs to another table: the team that assigned a seat (teams.id). */
  refDimensions?: Partial<Record<Dimension, string>>;
}

const usageReports = { aggregate: 'aggregate', rows: 'users' } as const;
const prReports = { aggregate: 'aggregate', rows: 'repos' } as const;
const source = (table: string, dimensions: Source['dimensions'], extra: Partial<Source> = {}): Source => ({
  table,
  subject: 'user_ref',
  reports: usageReports,
  aggregate: true,
  perUser: true,
  dimensions,
  ...extra,
});

export const SOURCES = {
  usageDay: source('usage_day', {
    adoption_phase: { column: 'adoption_phase', dict: 'adoption_phase', userRowsOnly: true },
    cli_version: { column: 'cli_version', dict: 'cli_version', userRowsOnly: true },
  }),
  byIde: source('by_ide', {
    ide: { column: 'ide', dict: 'ide' },
    ide_version: { column: 'ide_version', dict: 'ide_version', userRowsOnly: true },
    plugin_version: { column: 'plugin_version', dict: 'plugin_version', userRowsOnly: true },
  }),
  byFeature: source('by_feature', { feature: { column: 'feature', dict: 'feature' } }),
  byLanguageFeature: source('by_language_feature', {
    language: { column: 'language', dict: 'language' },
    feature: { column: 'feature', dict: 'feature' },
  }),
  byModelFeature: source('by_model_feature', {
    model: { column: 'model', dict: 'model' },
    feature: { column: 'feature', dict: 'feature' },
  }),
  byLanguageModel: source('by_language_model', {
    language: { column: 'language', dict: 'language' },
    model: { column: 'model', dict: 'model' },
  }),
  byAgent: source('by_agent', { agent: { column: 'agent', dict: 'agent' } }),
  byCustomization: source('by_customization', { customization: { column: 'name', dict: 'customization' } }),
  byAdoptionPhase: source(
    'by_adoption_phase',
    { adoption_phase: { column: 'phase', dict: 'adoption_phase' } },
    { perUser: false },
  ),
  pullRequests: source('pull_requests_day', {}, { subject: 'repo_ref', reports: prReports, perUser: false }),
  commentTypes: source(
    'pr_comment_types',
    { comment_type: { column: 'comment_type', dict: 'comment_type' } },
    { subject: 'repo_ref', reports: prReports, perUser: false },
  ),
  reviewTimes: source('pr_review_times', {}, { subject: 'repo_ref', reports: prReports, perUser: false }),
  /** One row per seat and snapshot day (the seats API, see query/seats.ts). */
  seats: source(
    'seat_snapshots',
    {
      plan_type: { column: 'plan_type', dict: 'plan_type' },
      editor: { column: 'editor', dict: 'editor' },
    },
    {
      reports: { aggregate: 'seats', rows: 'seats' },
      aggregate: false,
      perUser: false,
      refDimensions: { team: 'assigning_team_ref' },
    },
  ),
  /** Seats set against usage rows: scope-wide figures, no breakdown. */
  seatsAgainstUsage: source(
    'seat_snapshots',
    {},
    { reports: { aggregate: 'seats', rows: 'seats' }, aggregate: false, perUser: false },
  ),
} satisfies Record<string, Source>;

/**
 * How a metric's value is computed over a bucket:
 * - sum: counters add up;
 * - average: report-provided counts (DAU, engaged users, ...) are averaged over the days present;
 * - distinct: distinct users, counted exactly from user rows over the whole bucket;
 * - ratio: Σ numerator / Σ denominator (never an average of ratios; 0/0 is null);
 * - weighted: Σ(value × weight) / Σ weight, for medians and averages GitHub computes per day;
 * - snapshot: counted in one seats snapshot; a bucket shows its latest snapshot (query/seats.ts).
 */
export type Aggregation = 'sum' | 'average' | 'distinct' | 'ratio' | 'weighted' | 'snapshot';

/**
 * What a snapshot metric counts in one seats snapshot (query/seats.ts), N being the query's
 * `seatActiveDays` (30 by default):
 * - all: seats; active: seats whose last activity is on one of the N days ending on the snapshot day;
 *   inactive: the others, never-used ones included; never_used: seats with no last activity at all;
 *   pending_cancellation: seats ending at the next billing cycle;
 * - without_recent_usage: seats whose user has no usage row in the usage window (the 28 days ending
 *   two days before the snapshot, GitHub's publishing delay);
 * - recent_users: users with usage rows in that window; recent_users_without_seat: those of them
 *   without a seat in the snapshot (licensed through another organization, or seat removed since).
 */
export type SeatCount =
  | 'all'
  | 'active'
  | 'inactive'
  | 'never_used'
  | 'pending_cancellation'
  | 'without_recent_usage'
  | 'recent_users'
  | 'recent_users_without_seat';

/** Query fields only some metrics take. */
export const METRIC_PARAMETERS = ['seatActiveDays'] as const;
export type MetricParameter = (typeof METRIC_PARAMETERS)[number];

export interface MetricDef {
  id: string;
  family: string;
  title: string;
  description: string;
  /** Grafana unit id. */
  unit: string;
  aggregation: Aggregation;
  /** Candidate tables in order of preference; the planner takes the first that has every needed dimension. */
  sources: Source[];
  /** SQL aggregate expressions over the chosen table (alias x); combined by `aggregation`. */
  parts: string[];
  /** Only user rows carry this figure (per-user fields, distinct users). */
  userRowsOnly?: boolean;
  /** Only the scope's aggregate record carries it (report-provided user counts): no team or user split. */
  aggregateOnly?: boolean;
  /** GitHub omits the figure when it is zero: on reported days a missing value is 0, not a gap. */
  omittedWhenZero?: boolean;
  /** A constant filter, e.g. the customization kind of by_customization. */
  fixed?: { column: string; dict: DictKind; value: string };
  /**
   * Seats metrics: what is counted in each snapshot, and divided by what (a ratio). `list` answers one
   * row per counted seat instead of a count (format table only). `parts` is empty for these.
   */
  snapshot?: { count: SeatCount; per?: SeatCount; list?: boolean };
  /** Query fields this metric takes besides the common ones. */
  parameters?: MetricParameter[];
}

/** Formats a metric answers in: lists only as tables. */
export function formatsOf(metric: MetricDef): ('time_series' | 'table')[] {
  return metric.snapshot?.list ? ['table'] : ['time_series', 'table'];
}

const activitySources = [
  SOURCES.usageDay,
  SOURCES.byIde,
  SOURCES.byFeature,
  SOURCES.byModelFeature,
  SOURCES.byLanguageFeature,
  SOURCES.byLanguageModel,
];
/** The language tables carry no user_initiated_interaction_count (§3.4). */
const interactionSources = [SOURCES.usageDay, SOURCES.byIde, SOURCES.byFeature, SOURCES.byModelFeature];

const sum = (column: string) => [`SUM(x.${column})`];

const metrics: MetricDef[] = [];
const add = (def: Omit<MetricDef, 'title'> & { title?: string }) =>
  metrics.push({ title: def.title ?? def.id, ...def });

// ---- Adoption: report-provided user counts (aggregate record only) ----
const userCounts: [string, string, string][] = [
  [
    'daily_active_users',
    'Daily active users',
    'Unique users with Copilot activity that day (as GitHub counts them, including server-side detection).',
  ],
  ['weekly_active_users', 'Weekly active users', 'Unique active users in the trailing 7 days.'],
  ['monthly_active_users', 'Monthly active users', 'Unique active users in the trailing 28 days.'],
  ['monthly_active_chat_users', 'Monthly chat users', 'Unique users of IDE chat in the trailing 28 days.'],
  [
    'monthly_active_agent_users',
    'Monthly agent users',
    'Unique users of IDE agent mode in the trailing 28 days.',
  ],
  [
    'daily_active_cli_users',
    'Daily CLI users',
    'Unique Copilot CLI users that day (omitted by GitHub when zero).',
  ],
  ['weekly_active_cli_users', 'Weekly CLI users', 'Unique Copilot CLI users in the trailing 7 days.'],
  ['monthly_active_cli_users', 'Monthly CLI users', 'Unique Copilot CLI users in the trailing 28 days.'],
];
for (const period of ['daily', 'weekly', 'monthly']) {
  const window =
    period === 'daily'
      ? 'that day'
      : period === 'weekly'
        ? 'in the trailing 7 days'
        : 'in the trailing 28 days';
  userCounts.push(
    [
      `${period}_active_copilot_code_review_users`,
      `${period} code review users (active)`,
      `Users who actively used Copilot code review (requested a review or applied a suggestion) ${window}.`,
    ],
    [
      `${period}_passive_copilot_code_review_users`,
      `${period} code review users (passive)`,
      `Users who only had Copilot code review auto-assigned ${window}.`,
    ],
    [
      `${period}_active_copilot_cloud_agent_users`,
      `${period} cloud agent users`,
      `Users of the Copilot cloud agent ${window} (null before GitHub reported it).`,
    ],
    [
      `${period}_active_copilot_app_users`,
      `${period} Copilot app users`,
      `Users of the GitHub Copilot app ${window}.`,
    ],
    [
      `${period}_active_vscode_agent_users`,
      `${period} VS Code Agents users`,
      `Users of the VS Code Agents window ${window}.`,
    ],
  );
}
for (const [id, title, description] of userCounts) {
  add({
    id,
    title,
    family: 'Adoption',
    description: `${description} Averaged over the days of each bucket.`,
    unit: 'short',
    aggregation: 'average',
    sources: [SOURCES.usageDay],
    parts: [`AVG(x.${id})`],
    aggregateOnly: true,
    omittedWhenZero: id === 'daily_active_cli_users',
  });
}
add({
  id: 'active_users',
  title: 'Active users',
  family: 'Adoption',
  description:
    'Distinct users with Copilot activity, counted exactly from per-user rows over each bucket. This is what "users" means in team, IDE, language, model and feature breakdowns.',
  unit: 'short',
  aggregation: 'distinct',
  sources: [...activitySources, SOURCES.byAgent, SOURCES.byCustomization],
  parts: ['COUNT(DISTINCT x.user_ref)'],
  userRowsOnly: true,
});
const usedFlags: [string, string][] = [
  ['used_chat', 'IDE chat'],
  ['used_agent', 'IDE agent mode (code review excluded)'],
  ['used_cli', 'Copilot CLI'],
  ['used_copilot_code_review_active', 'Copilot code review actively'],
  ['used_copilot_code_review_passive', 'Copilot code review passively (auto-assigned only)'],
  ['used_copilot_coding_agent', 'the cloud agent (old field name)'],
  ['used_copilot_cloud_agent', 'the Copilot cloud agent'],
  ['used_copilot_app', 'the GitHub Copilot app'],
  ['used_vscode_agent', 'the VS Code Agents window'],
];
for (const [id, what] of usedFlags) {
  add({
    id,
    family: 'Adoption',
    title: `Users who ${id.replace('used_', 'used ').replace(/_/g, ' ')}`,
    description: `Distinct users whose daily record says they used ${what} (${id} = true), over each bucket.`,
    unit: 'short',
    aggregation: 'distinct',
    sources: [SOURCES.usageDay],
    parts: [`COUNT(DISTINCT CASE WHEN x.${id} = 1 THEN x.user_ref END)`],
    userRowsOnly: true,
  });
}

// ---- Code generation and lines of code ----
const counters: [string, string, string, string][] = [
  [
    'user_initiated_interaction_count',
    'Interactions',
    'Code generation',
    'Explicit prompts sent to Copilot (opening panels, switching modes and shortcuts are not counted).',
  ],
  [
    'code_generation_activity_count',
    'Generations',
    'Code generation',
    'Distinct Copilot output events: suggestions and generated code blocks, comments and docstrings included.',
  ],
  [
    'code_acceptance_activity_count',
    'Acceptances',
    'Code generation',
    'Accept actions: apply to file, insert at cursor, insert into terminal, Copy button.',
  ],
  [
    'loc_suggested_to_add_sum',
    'Lines suggested',
    'Lines of code',
    'Lines Copilot suggested to add (completions, inline chat, chat panel; agent edits excluded).',
  ],
  [
    'loc_suggested_to_delete_sum',
    'Lines suggested to delete',
    'Lines of code',
    'Lines Copilot suggested to delete.',
  ],
  [
    'loc_added_sum',
    'Lines added',
    'Lines of code',
    'Lines actually added: accepted completions, applied blocks, agent and edit mode.',
  ],
  ['loc_deleted_sum', 'Lines deleted', 'Lines of code', 'Lines deleted, currently from agent edits.'],
];
for (const [id, title, family, description] of counters) {
  add({
    id,
    title,
    family,
    description,
    unit: 'short',
    aggregation: 'sum',
    sources: id === 'user_initiated_interaction_count' ? interactionSources : activitySources,
    parts: sum(id),
  });
}
add({
  id: 'acceptance_rate',
  title: 'Acceptance rate',
  family: 'Code generation',
  description:
    'Σ code_acceptance_activity_count / Σ code_generation_activity_count over each bucket: acceptance by count of suggestions. A ratio of sums, never an average of daily ratios; null when nothing was generated.',
  unit: 'percentunit',
  aggregation: 'ratio',
  sources: activitySources,
  parts: ['SUM(x.code_acceptance_activity_count)', 'SUM(x.code_generation_activity_count)'],
});
add({
  id: 'loc_acceptance_rate',
  title: 'Line acceptance rate',
  family: 'Lines of code',
  description:
    'Σ loc_added_sum / Σ loc_suggested_to_add_sum: acceptance by lines. Agent edits add lines that were never suggested, so filter feature to exclude agent_edit for a suggestion-only rate.',
  unit: 'percentunit',
  aggregation: 'ratio',
  sources: activitySources,
  parts: ['SUM(x.loc_added_sum)', 'SUM(x.loc_suggested_to_add_sum)'],
});
for (const mode of ['agent', 'ask', 'custom', 'edit', 'plan', 'unknown']) {
  add({
    id: `chat_panel_${mode}_mode`,
    family: 'Code generation',
    description: `Chat panel interactions in ${mode} mode, when GitHub sends it as a top-level field (the same mode is also a feature value).`,
    unit: 'short',
    aggregation: 'sum',
    sources: [SOURCES.usageDay],
    parts: sum(`chat_panel_${mode}_mode`),
  });
}

// ---- CLI, Copilot app, VS Code Agents ----
for (const [prefix, object, family, label] of [
  ['cli', 'totals_by_cli', 'CLI', 'Copilot CLI'],
  ['copilot_app', 'totals_by_copilot_app', 'Copilot app', 'GitHub Copilot app'],
] as const) {
  const fields: [string, string, string][] = [
    ['session_count', `${object}.session_count`, `Distinct ${label} sessions.`],
    ['request_count', `${object}.request_count`, `${label} requests, agentic follow-ups included.`],
    ['prompt_count', `${object}.prompt_count`, `User prompts, commands or queries to ${label}.`],
    ['output_tokens_sum', `${object}.token_usage.output_tokens_sum`, `Output tokens of ${label}.`],
    ['prompt_tokens_sum', `${object}.token_usage.prompt_tokens_sum`, `Prompt tokens of ${label}.`],
  ];
  for (const [column, id, description] of fields) {
    add({
      id,
      family,
      description,
      unit: 'short',
      aggregation: 'sum',
      sources: [SOURCES.usageDay],
      parts: sum(`${prefix}_${column}`),
      omittedWhenZero: true,
    });
  }
  add({
    id: `${object}.token_usage.avg_tokens_per_request`,
    family,
    description: `(output + prompt tokens) / requests of ${label}, recomputed from the summed parts.`,
    unit: 'short',
    aggregation: 'ratio',
    sources: [SOURCES.usageDay],
    parts: [
      `SUM(x.${prefix}_output_tokens_sum) + SUM(x.${prefix}_prompt_tokens_sum)`,
      `SUM(x.${prefix}_request_count)`,
    ],
  });
}
add({
  id: 'totals_by_vscode_agent.session_count',
  family: 'Agents',
  description: 'Sessions in the VS Code Agents window.',
  unit: 'short',
  aggregation: 'sum',
  sources: [SOURCES.usageDay],
  parts: sum('vscode_agent_session_count'),
  omittedWhenZero: true,
});
add({
  id: 'totals_by_vscode_agent.total_user_messages',
  family: 'Agents',
  description: 'User messages in the VS Code Agents window.',
  unit: 'short',
  aggregation: 'sum',
  sources: [SOURCES.usageDay],
  parts: sum('vscode_agent_total_user_messages'),
  omittedWhenZero: true,
});
add({
  id: 'totals_by_3rd_party_agent.user_initiated_interaction_count',
  family: 'Agents',
  description:
    'Job starts of 3rd-party agent apps (Claude, Codex, ...); not comparable with the IDE interaction count.',
  unit: 'short',
  aggregation: 'sum',
  sources: [SOURCES.byAgent],
  parts: sum('user_initiated_interaction_count'),
  omittedWhenZero: true,
});
add({
  id: 'totals_by_3rd_party_agent.session_count',
  family: 'Agents',
  description: 'Sessions of 3rd-party agent apps (aggregate reports only; GitHub omits it in per-user rows).',
  unit: 'short',
  aggregation: 'sum',
  sources: [SOURCES.byAgent],
  parts: sum('session_count'),
  aggregateOnly: true,
  omittedWhenZero: true,
});

// ---- CLI customizations ----
for (const kind of CUSTOMIZATION_KINDS) {
  add({
    id: `totals_by_${kind}.interaction_count`,
    family: 'Customizations',
    description: `Interactions with each ${kind.replace('_', ' ')} (GitHub lists the top 5 per report; customer-defined names show as "other"${kind === 'mcp' ? '; for MCP these are connection attempts, not tool calls' : ''}).`,
    unit: 'short',
    aggregation: 'sum',
    sources: [SOURCES.byCustomization],
    parts: sum('interaction_count'),
    fixed: { column: 'kind', dict: 'customization_kind', value: kind },
    omittedWhenZero: true,
  });
  add({
    id: `distinct_${kind}_use_count`,
    family: 'Customizations',
    description: `Distinct ${kind.replace('_', ' ')}s used, items outside the top 5 included; averaged over the days of each bucket.`,
    unit: 'short',
    aggregation: 'average',
    sources: [SOURCES.usageDay],
    parts: [`AVG(x.distinct_${kind}_use_count)`],
  });
}

// ---- AI credits and adoption phases ----
add({
  id: 'ai_credits_used',
  title: 'AI credits used',
  family: 'Credits',
  description:
    'AI credits consumed, summed over users (per-user reports only; not an invoice amount; reported since 2026-06-19).',
  unit: 'short',
  aggregation: 'sum',
  sources: [SOURCES.usageDay],
  parts: sum('ai_credits_used'),
  userRowsOnly: true,
});
add({
  id: 'totals_by_ai_adoption_phase.total_engaged_users',
  family: 'Adoption phases',
  description:
    'Engaged users (2+ days of use in the trailing 28) per AI adoption phase; averaged over the days of each bucket.',
  unit: 'short',
  aggregation: 'average',
  sources: [SOURCES.byAdoptionPhase],
  parts: ['AVG(x.total_engaged_users)'],
  aggregateOnly: true,
});
for (const field of ADOPTION_PHASE_AVERAGES) {
  add({
    id: `totals_by_ai_adoption_phase.${field}`,
    family: 'Adoption phases',
    description: `Per-user average within each phase (${field}); over a bucket, weighted by the phase's engaged users.`,
    unit: field.includes('minutes') ? 'm' : 'short',
    aggregation: 'weighted',
    sources: [SOURCES.byAdoptionPhase],
    parts: [
      `SUM(x.${field} * x.total_engaged_users)`,
      `SUM(CASE WHEN x.${field} IS NOT NULL THEN x.total_engaged_users END)`,
    ],
    aggregateOnly: true,
  });
}
add({
  id: 'totals_by_ai_adoption_phase.total_pull_requests_merged',
  family: 'Adoption phases',
  description: 'Pull requests merged by the engaged users of each phase.',
  unit: 'short',
  aggregation: 'sum',
  sources: [SOURCES.byAdoptionPhase],
  parts: sum('total_pull_requests_merged'),
  aggregateOnly: true,
});

// ---- Pull requests and code review ----
const prDescriptions: Record<string, string> = {
  total_created: 'Pull requests created.',
  total_reviewed: 'Pull requests reviewed.',
  total_merged: 'Pull requests merged.',
  total_suggestions: 'Review suggestions, from any author.',
  total_applied_suggestions: 'Review suggestions applied, from any author.',
  total_created_by_copilot: 'Pull requests created by Copilot.',
  total_reviewed_by_copilot: 'Pull requests reviewed by Copilot.',
  total_merged_created_by_copilot: 'Merged pull requests that Copilot created.',
  total_merged_reviewed_by_copilot: 'Merged pull requests that Copilot reviewed.',
  total_copilot_suggestions: 'Copilot code review suggestions.',
  total_copilot_applied_suggestions: 'Copilot code review suggestions applied.',
};
for (const field of PULL_REQUEST_COUNTERS) {
  add({
    id: `pull_requests.${field}`,
    family: 'Pull requests',
    description: `${prDescriptions[field]} Organization totals are not deduplicated across organizations; enterprise totals are.`,
    unit: 'short',
    aggregation: 'sum',
    sources: [SOURCES.pullRequests],
    parts: sum(field),
  });
}
for (const [field, weight, what] of [
  ['median_minutes_to_merge', 'total_merged', 'pull requests merged'],
  [
    'median_minutes_to_merge_copilot_authored',
    'total_merged_created_by_copilot',
    'Copilot-authored pull requests merged',
  ],
  [
    'median_minutes_to_merge_copilot_reviewed',
    'total_merged_reviewed_by_copilot',
    'Copilot-reviewed pull requests merged',
  ],
] as const) {
  add({
    id: `pull_requests.${field}`,
    family: 'Pull requests',
    description: `Median minutes to merge of ${what} that day; over a bucket, the days' medians weighted by the number merged (an approximation: medians do not add up).`,
    unit: 'm',
    aggregation: 'weighted',
    sources: [SOURCES.pullRequests],
    parts: [`SUM(x.${field} * x.${weight})`, `SUM(CASE WHEN x.${field} IS NOT NULL THEN x.${weight} END)`],
  });
}
add({
  id: 'pull_requests.copilot_suggestions_by_comment_type.total_copilot_suggestions',
  family: 'Code review',
  description: 'Copilot code review suggestions by comment type (security, bug_risk, ...).',
  unit: 'short',
  aggregation: 'sum',
  sources: [SOURCES.commentTypes],
  parts: sum('total_copilot_suggestions'),
});
add({
  id: 'pull_requests.copilot_suggestions_by_comment_type.total_copilot_applied_suggestions',
  family: 'Code review',
  description: 'Copilot code review suggestions applied, by comment type.',
  unit: 'short',
  aggregation: 'sum',
  sources: [SOURCES.commentTypes],
  parts: sum('total_copilot_applied_suggestions'),
});
add({
  id: 'pull_request_review_times.total_merged',
  family: 'Code review',
  description: 'Merged pull requests measured for review stage times (ready for review since 2026-09-21).',
  unit: 'short',
  aggregation: 'sum',
  sources: [SOURCES.reviewTimes],
  parts: sum('total_merged'),
});
for (const field of REVIEW_STAGE_MINUTES) {
  add({
    id: `pull_request_review_times.${field}`,
    family: 'Code review',
    description: `${field.replace(/_/g, ' ')} of merged pull requests, attributed to the merge day; over a bucket, weighted by pull requests merged (an approximation).`,
    unit: 'm',
    aggregation: 'weighted',
    sources: [SOURCES.reviewTimes],
    parts: [
      `SUM(x.${field} * x.total_merged)`,
      `SUM(CASE WHEN x.${field} IS NOT NULL THEN x.total_merged END)`,
    ],
  });
}

// ---- Seats: snapshots of the seats API, and seats set against usage ----
const SEATS_SOURCE =
  'From the seats snapshot the sync takes each run (the last of each UTC day); a week or month shows its latest snapshot. An enterprise counts each user of its synced organizations once.';
const ACTIVE_DAYS = 'the N days ending on the snapshot day (N = seatActiveDays, 30 by default)';
const seatMetric = (
  id: string,
  title: string,
  description: string,
  snapshot: NonNullable<MetricDef['snapshot']>,
  extra: Partial<MetricDef> = {},
) =>
  add({
    id,
    title,
    family: 'Seats',
    description: `${description} ${SEATS_SOURCE}`,
    unit: snapshot.per ? 'percentunit' : 'short',
    aggregation: 'snapshot',
    sources: [SOURCES.seats],
    parts: [],
    snapshot,
    ...(['active', 'inactive'].includes(snapshot.count) || snapshot.per === 'active'
      ? { parameters: ['seatActiveDays' as const] }
      : {}),
    ...extra,
  });
seatMetric('seats_total', 'Seats', 'Copilot seats assigned (billed), pending cancellation included.', {
  count: 'all',
});
seatMetric(
  'seats_active',
  'Active seats',
  `Seats whose last Copilot activity (seats API last_activity_at) is on one of ${ACTIVE_DAYS}.`,
  { count: 'active' },
);
seatMetric(
  'seats_inactive',
  'Inactive seats',
  `Seats without Copilot activity on ${ACTIVE_DAYS}, never-used seats included: seats paid for and not used.`,
  { count: 'inactive' },
);
seatMetric(
  'seats_never_used',
  'Never-used seats',
  'Seats without any last activity: never used, or not used within the 90 days GitHub keeps it.',
  { count: 'never_used' },
);
seatMetric(
  'seats_pending_cancellation',
  'Seats pending cancellation',
  'Seats that end at the start of the next billing cycle (seats API pending_cancellation_date).',
  { count: 'pending_cancellation' },
);
seatMetric(
  'seat_utilization',
  'Seat utilization',
  `Active seats ÷ seats: the share of paid seats used on ${ACTIVE_DAYS}; null without seats.`,
  { count: 'active', per: 'all' },
);
seatMetric(
  'inactive_seats',
  'Inactive seats (list)',
  `One row per inactive seat of the latest snapshot in the range (no activity on ${ACTIVE_DAYS}): login, last activity, days inactive (for a never-used seat, days since it was assigned), editor, assigning team, plan, pending cancellation and when it was assigned; the longest inactive first. Format table only; limit keeps the first N rows.`,
  { count: 'inactive', list: true },
);
const USAGE_WINDOW =
  'the 28 days of usage ending two days before the snapshot day (GitHub publishes a day about two days late)';
seatMetric(
  'seats_without_recent_usage',
  'Seats without recent usage',
  `Seats whose user has no row in the users-1-day reports of ${USAGE_WINDOW}: a cross-check of the seats list against the usage reports.`,
  { count: 'without_recent_usage' },
);
seatMetric(
  'users_without_seat',
  'Users without a seat',
  `Users with rows in the users-1-day reports of ${USAGE_WINDOW} and no seat in this scope's snapshot: usually licensed through another organization, or their seat was removed since.`,
  { count: 'recent_users_without_seat' },
  { sources: [SOURCES.seatsAgainstUsage] },
);
seatMetric(
  'active_users_per_seat',
  'Active users per seat',
  `Users with rows in the users-1-day reports of ${USAGE_WINDOW} ÷ seats of the snapshot; above 1 when people are licensed elsewhere.`,
  { count: 'recent_users', per: 'all' },
  { sources: [SOURCES.seatsAgainstUsage], unit: 'short' },
);

export const METRICS: ReadonlyMap<string, MetricDef> = new Map(metrics.map((m) => [m.id, m]));

/** Dimensions that come from user rows (joins), not from table columns. */
export const ROW_DIMENSIONS: readonly Dimension[] = ['team', 'user'];

/** Which groupings a metric supports: the union over its candidate tables, plus team/user on user rows. */
export function groupingsOf(metric: MetricDef): Dimension[] {
  const dims = new Set<Dimension>(['none']);
  for (const s of metric.sources) {
    for (const [dim, info] of Object.entries(s.dimensions) as [Dimension, { userRowsOnly?: boolean }][]) {
      if (info.userRowsOnly && metric.aggregateOnly) continue;
      dims.add(dim);
    }
    if (s.perUser && !metric.aggregateOnly) {
      dims.add('team');
      dims.add('user');
    }
    if (s.subject === 'repo_ref') dims.add('repository');
    for (const dim of Object.keys(s.refDimensions ?? {}) as Dimension[]) dims.add(dim);
  }
  return DIMENSIONS.filter((d) => dims.has(d));
}

/**
 * Which dimensions can be used together (as the grouping and as filters) in one query: one set per
 * candidate table. A query is valid when all its dimensions fall in one set.
 */
export function combinationsOf(metric: MetricDef): Dimension[][] {
  const sets = metric.sources.map((s) => {
    const dims = new Set<Dimension>();
    for (const [dim, info] of Object.entries(s.dimensions) as [Dimension, { userRowsOnly?: boolean }][]) {
      if (!(info.userRowsOnly && metric.aggregateOnly)) dims.add(dim);
    }
    if (s.perUser && !metric.aggregateOnly) {
      dims.add('team');
      dims.add('user');
    }
    if (s.subject === 'repo_ref') dims.add('repository');
    for (const dim of Object.keys(s.refDimensions ?? {}) as Dimension[]) dims.add(dim);
    return DIMENSIONS.filter((d) => dims.has(d));
  });
  // Drop sets contained in another: they add nothing.
  return sets.filter(
    (set, i) =>
      !sets.some((other, j) => j !== i && other.length > set.length && set.every((d) => other.includes(d))),
  );
}
