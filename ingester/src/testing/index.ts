/**
 * @copilot-metrics/ingester/testing: what other packages' tests and the benchmarks use to run against
 * a real ingester: the GitHub simulator and the test harness (temp databases, syncs at a fixed
 * "today", the HTTP API on loopback). A stand-in for the API takes ./standIn instead. Nothing in the
 * ingester's production code imports this folder.
 */
export { ReportGenerator } from '../simulator/generate';
export * as simulatedBilling from '../simulator/generate/billing';
export { Population } from '../simulator/model';
export { SimulatorServer, type SimulatorServerOptions } from '../simulator/server';
export { type TestApi, startApi } from './api';
export { type PanelRequest, dashboardPanels } from './panels';
export { type BillingFixture, FIXTURE_MODELS, insertBillingFixture } from './billing';
export { type PostgresCluster, type PostgresClusterOptions, postgresBinDir, startPostgres } from './postgres';
export {
  SYNC_SETTINGS,
  TEST_TODAY,
  type TestDb,
  day,
  simulatedScopes,
  startSimulator,
  syncDays,
  syncedEnterprise,
  tempDatabase,
  tempDir,
  testClient,
  testNow,
} from './harness';
