/**
 * The dimensions a query can group or filter by, in the order the catalog lists them. SQL-free: the
 * plugin and the dashboards need exactly this, so nothing here may import the store or SQL.
 */
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
  'sku',
  'product',
  'organization',
  'cost_center',
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
  sku: 'Billing SKU, as GitHub spells it (JSON: "Copilot AI Credits"; usage-report CSV: copilot_ai_credit); AI-credit billing only',
  product: 'Billed product, as GitHub spells it (JSON: "Copilot"; CSV: copilot); AI-credit billing only',
  organization:
    "Organization a person's AI-credit usage is billed under (the enterprise's ai_credit usage-report export)",
  cost_center:
    "Enterprise cost center: the export's cost_center_name ('' = none) for spend, the cost centers API for pools",
};

/** Dimensions that come from user rows (joins), not from table columns. */
export const ROW_DIMENSIONS: readonly Dimension[] = ['team', 'user'];
