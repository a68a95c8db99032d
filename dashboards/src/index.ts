/**
 * Every provisioned dashboard, with the Grafana folder and file it is written to: the package's entry
 * (@copilot-metrics/dashboards), which the ingester's tests check against the catalog and the planner.
 */
import type { Dashboard } from '@grafana/schema';
import agents from './agents';
import aiCredits from './ai-credits';
import codeGeneration from './code-generation';
import ides from './ides';
import ingestion from './ingestion';
import myCopilot from './my-copilot';
import overview from './overview';
import pullRequests from './pull-requests';
import seats from './seats';
import teams from './teams';
import users from './users';

export interface ProvisionedDashboard {
  /** Folder in Grafana: the provider creates folders from the directories under dashboards/json. */
  folder: string;
  file: string;
  dashboard: Dashboard;
}

const FOLDER = 'Copilot';

export const DASHBOARDS: ProvisionedDashboard[] = [
  { folder: FOLDER, file: '1-overview.json', dashboard: overview },
  { folder: FOLDER, file: '2-code-generation.json', dashboard: codeGeneration },
  { folder: FOLDER, file: '3-ides.json', dashboard: ides },
  { folder: FOLDER, file: '4-agents.json', dashboard: agents },
  { folder: FOLDER, file: '5-pull-requests.json', dashboard: pullRequests },
  { folder: FOLDER, file: '6-teams.json', dashboard: teams },
  { folder: FOLDER, file: '7-users.json', dashboard: users },
  { folder: FOLDER, file: '8-ingestion.json', dashboard: ingestion },
  { folder: FOLDER, file: '9-seats.json', dashboard: seats },
  { folder: FOLDER, file: '10-my-copilot.json', dashboard: myCopilot },
  { folder: FOLDER, file: '11-ai-credits.json', dashboard: aiCredits },
];

/** The layout and the plainest panel, whose fixed panel ids the ingester's tests pin down. */
export { layout, note } from './grafana';
