/**
 * Where every figure of a report record is stored. This one declarative table drives the mapping of
 * records to rows, the insert statements, the unknown-key detection, and (later) the query catalog, so
 * that adding a field GitHub ships is one line here plus one column in a migration.
 *
 * Field meanings follow GitHub's "Copilot usage metrics" reference; see docs/FIELDS in the README.
 * The field lists the catalog names metrics after (customization kinds, adoption-phase averages, pull
 * request counters, review stage times) are the contract's: one list each, for the columns and the metrics.
 */
import {
  ADOPTION_PHASE_AVERAGES,
  CUSTOMIZATION_KINDS,
  PULL_REQUEST_COUNTERS,
  REVIEW_STAGE_MINUTES,
} from '@copilot-metrics/contract';

export type DictKind =
  | 'ide'
  | 'ide_version'
  | 'plugin'
  | 'plugin_version'
  | 'cli_version'
  | 'feature'
  | 'language'
  | 'model'
  | 'agent'
  | 'agent_name'
  | 'customization_kind'
  | 'customization'
  | 'adoption_phase'
  | 'adoption_phase_version'
  | 'comment_type'
  | 'review_party'
  // Copilot seats (seat_snapshots): the plan, the full last_activity_editor string, and its editor name.
  | 'plan_type'
  | 'seat_editor'
  | 'editor';

export type ValueKind = 'int' | 'real' | 'bool' | 'text' | { dict: DictKind };

export interface ColumnSpec {
  column: string;
  /** Path inside the row's source object. */
  path: readonly string[];
  kind: ValueKind;
  /**
   * Whether two entries for the same key may be added together (counters) or the later one wins
   * (medians, averages, names, versions). Defaults to true for int/real columns.
   */
  additive?: boolean;
}

/** Which entity a row describes besides (scope, day): a user (0 = the whole scope) or a repository (0 = all). */
export type Subject = 'user_ref' | 'repo_ref';

export interface TableSpec {
  table: string;
  subject: Subject;
  /** Path from the record to the row source; [] is the record itself. */
  source: readonly string[];
  /** One row per element of an array source, or one row for an object source. */
  many: boolean;
  /** Key columns after (scope_id, day, subject), in primary-key order. */
  keys: readonly ColumnSpec[];
  values: readonly ColumnSpec[];
  /** A key column with a constant dictionary value, used to keep sibling arrays in one table. */
  fixed?: { column: string; dict: DictKind; value: string };
}

const int = (column: string, path: readonly string[] = [column]): ColumnSpec => ({
  column,
  path,
  kind: 'int',
});
const real = (column: string, path: readonly string[] = [column], additive = false): ColumnSpec => ({
  column,
  path,
  kind: 'real',
  additive,
});
const bool = (column: string): ColumnSpec => ({ column, path: [column], kind: 'bool' });
const dict = (column: string, dictKind: DictKind, path: readonly string[] = [column]): ColumnSpec => ({
  column,
  path,
  kind: { dict: dictKind },
});
const text = (column: string, path: readonly string[]): ColumnSpec => ({ column, path, kind: 'text' });

/** The code-activity counters every IDE-side breakdown carries (GitHub's example schema: docs.github.com/copilot/reference/copilot-usage-metrics/example-schema). */
export const CODE_COUNTERS = [
  'code_generation_activity_count',
  'code_acceptance_activity_count',
  'loc_suggested_to_add_sum',
  'loc_suggested_to_delete_sum',
  'loc_added_sum',
  'loc_deleted_sum',
] as const;
export const INTERACTIONS = 'user_initiated_interaction_count';
/** The per-user counters the per-day team rollup (team_day) sums, in its column order. */
export const TEAM_DAY_SUMS = [INTERACTIONS, ...CODE_COUNTERS, 'ai_credits_used'] as const;

const activity7 = [int(INTERACTIONS), ...CODE_COUNTERS.map((c) => int(c))];
const activity6 = CODE_COUNTERS.map((c) => int(c));

/** Surface objects: CLI and Copilot app share one shape (docs.github.com/copilot/reference/copilot-usage-metrics/example-schema). */
const surface = (prefix: string, objectKey: string): ColumnSpec[] => [
  int(`${prefix}_session_count`, [objectKey, 'session_count']),
  int(`${prefix}_request_count`, [objectKey, 'request_count']),
  int(`${prefix}_prompt_count`, [objectKey, 'prompt_count']),
  int(`${prefix}_output_tokens_sum`, [objectKey, 'token_usage', 'output_tokens_sum']),
  int(`${prefix}_prompt_tokens_sum`, [objectKey, 'token_usage', 'prompt_tokens_sum']),
  real(`${prefix}_avg_tokens_per_request`, [objectKey, 'token_usage', 'avg_tokens_per_request']),
];

const activeUserCounts = [
  'daily_active_users',
  'weekly_active_users',
  'monthly_active_users',
  'monthly_active_chat_users',
  'monthly_active_agent_users',
  ...['daily', 'weekly', 'monthly'].flatMap((period) => [
    `${period}_active_cli_users`,
    `${period}_active_copilot_code_review_users`,
    `${period}_passive_copilot_code_review_users`,
    `${period}_active_copilot_cloud_agent_users`,
    `${period}_active_copilot_app_users`,
    `${period}_active_vscode_agent_users`,
  ]),
].map((c) => ({ ...int(c), additive: false }));

export const USED_FLAGS = [
  'used_chat',
  'used_agent',
  'used_cli',
  'used_copilot_code_review_active',
  'used_copilot_code_review_passive',
  'used_copilot_coding_agent',
  'used_copilot_cloud_agent',
  'used_copilot_app',
  'used_vscode_agent',
] as const;

/** One row per (scope, day, user) with every scalar figure of a record; user_ref 0 holds the aggregate. */
export const usageDay: TableSpec = {
  table: 'usage_day',
  subject: 'user_ref',
  source: [],
  many: false,
  keys: [],
  values: [
    ...activity7,
    ...['agent', 'ask', 'custom', 'edit', 'plan', 'unknown'].map((mode) => int(`chat_panel_${mode}_mode`)),
    ...activeUserCounts,
    ...USED_FLAGS.map(bool),
    real('ai_credits_used', ['ai_credits_used'], true),
    { ...int('adoption_phase_number', ['ai_adoption_phase', 'phase_number']), additive: false },
    dict('adoption_phase', 'adoption_phase', ['ai_adoption_phase', 'phase']),
    dict('adoption_phase_version', 'adoption_phase_version', ['ai_adoption_phase', 'version']),
    ...CUSTOMIZATION_KINDS.map((kind) => ({ ...int(`distinct_${kind}_use_count`), additive: false })),
    ...surface('cli', 'totals_by_cli'),
    dict('cli_version', 'cli_version', ['totals_by_cli', 'last_known_cli_version', 'cli_version']),
    text('cli_version_sampled_at', ['totals_by_cli', 'last_known_cli_version', 'sampled_at']),
    ...surface('copilot_app', 'totals_by_copilot_app'),
    int('vscode_agent_session_count', ['totals_by_vscode_agent', 'session_count']),
    int('vscode_agent_total_user_messages', ['totals_by_vscode_agent', 'total_user_messages']),
  ],
};

const breakdown = (table: string, source: string, keys: ColumnSpec[], values: ColumnSpec[]): TableSpec => ({
  table,
  subject: 'user_ref',
  source: [source],
  many: true,
  keys,
  values,
});

export const byIde = breakdown(
  'by_ide',
  'totals_by_ide',
  [dict('ide', 'ide')],
  [
    ...activity7,
    dict('ide_version', 'ide_version', ['last_known_ide_version', 'ide_version']),
    text('ide_version_sampled_at', ['last_known_ide_version', 'sampled_at']),
    dict('plugin', 'plugin', ['last_known_plugin_version', 'plugin']),
    dict('plugin_version', 'plugin_version', ['last_known_plugin_version', 'plugin_version']),
    text('plugin_version_sampled_at', ['last_known_plugin_version', 'sampled_at']),
  ],
);
export const byFeature = breakdown(
  'by_feature',
  'totals_by_feature',
  [dict('feature', 'feature')],
  activity7,
);
export const byLanguageFeature = breakdown(
  'by_language_feature',
  'totals_by_language_feature',
  [dict('language', 'language'), dict('feature', 'feature')],
  activity6,
);
export const byLanguageModel = breakdown(
  'by_language_model',
  'totals_by_language_model',
  [dict('language', 'language'), dict('model', 'model')],
  activity6,
);
export const byModelFeature = breakdown(
  'by_model_feature',
  'totals_by_model_feature',
  [dict('model', 'model'), dict('feature', 'feature')],
  activity7,
);
export const byAgent = breakdown(
  'by_agent',
  'totals_by_3rd_party_agent',
  [dict('agent', 'agent', ['agent_id'])],
  [dict('agent_name', 'agent_name'), int(INTERACTIONS), int('session_count')],
);
export const byCustomization: TableSpec[] = CUSTOMIZATION_KINDS.map((kind) => ({
  ...breakdown(
    'by_customization',
    `totals_by_${kind}`,
    [dict('name', 'customization', [kind])],
    [int('interaction_count')],
  ),
  fixed: { column: 'kind', dict: 'customization_kind', value: kind },
}));
export const byAdoptionPhase = breakdown(
  'by_adoption_phase',
  'totals_by_ai_adoption_phase',
  [{ ...int('phase_number'), additive: false }],
  [
    dict('phase', 'adoption_phase'),
    { ...int('total_engaged_users'), additive: true },
    ...ADOPTION_PHASE_AVERAGES.map((c) => real(c)),
    int('total_pull_requests_merged'),
  ],
);

export const PULL_REQUEST_MEDIANS = [
  'median_minutes_to_merge',
  'median_minutes_to_merge_copilot_authored',
  'median_minutes_to_merge_copilot_reviewed',
] as const;

/** `pull_requests` of an aggregate record (repo_ref 0) or of a repository row (docs.github.com/copilot/reference/copilot-usage-metrics/example-schema). */
export const pullRequestsDay: TableSpec = {
  table: 'pull_requests_day',
  subject: 'repo_ref',
  source: ['pull_requests'],
  many: false,
  keys: [],
  values: [...PULL_REQUEST_COUNTERS.map((c) => int(c)), ...PULL_REQUEST_MEDIANS.map((c) => real(c))],
};
export const prCommentTypes: TableSpec = {
  table: 'pr_comment_types',
  subject: 'repo_ref',
  source: ['pull_requests', 'copilot_suggestions_by_comment_type'],
  many: true,
  keys: [dict('comment_type', 'comment_type')],
  values: [int('total_copilot_suggestions'), int('total_copilot_applied_suggestions')],
};
export const prReviewTimes: TableSpec = {
  table: 'pr_review_times',
  subject: 'repo_ref',
  source: ['pull_request_review_times'],
  many: true,
  keys: [dict('authored_by', 'review_party'), dict('reviewed_by', 'review_party')],
  values: [int('total_merged'), ...REVIEW_STAGE_MINUTES.map((c) => real(c))],
};

const usageTables = [
  usageDay,
  byIde,
  byFeature,
  byLanguageFeature,
  byLanguageModel,
  byModelFeature,
  byAgent,
  ...byCustomization,
];
const pullRequestTables = [pullRequestsDay, prCommentTypes, prReviewTimes];

/** Record shapes, and the tables each one fills. */
export const RECORD_TABLES = {
  aggregate: [...usageTables, byAdoptionPhase, ...pullRequestTables],
  user: usageTables,
  repo: pullRequestTables,
} as const;

/** Keys that identify a record rather than measure something. They are read, not stored as figures. */
export const IDENTITY_KEYS = {
  common: ['day', 'enterprise_id', 'organization_id', 'etl_id', 'day_partition', 'entity_id_partition'],
  aggregate: ['report_start_day', 'report_end_day', 'created_at'],
  user: ['user_id', 'user_login', 'report_start_day', 'report_end_day'],
  repo: ['repo_id', 'repo_owner_name', 'repo_name', 'repo_visibility'],
  team: ['user_id', 'user_login', 'team_id', 'slug'],
} as const;

/** Every distinct table, for migrations checks and deletes. */
export const ALL_TABLE_SPECS: TableSpec[] = [
  ...new Map(
    [...RECORD_TABLES.aggregate].map((spec) => [`${spec.table}:${spec.source.join('.')}`, spec]),
  ).values(),
];
export const TABLE_NAMES = [...new Set(ALL_TABLE_SPECS.map((s) => s.table))];
