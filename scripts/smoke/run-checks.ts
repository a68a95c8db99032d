/**
 * The smoke test's HTTP checks against a running `docker compose up` (scripts/smoke/smoke.sh runs this):
 *   npx tsx scripts/smoke/run-checks.ts
 * Settings (all optional): GRAFANA_URL, PROMETHEUS_URL, INGESTER_URL, GRAFANA_ADMIN_USER,
 * GRAFANA_ADMIN_PASSWORD, SMOKE_WAIT_SECONDS, SMOKE_SYNC_WAIT_SECONDS, SMOKE_RULE_WAIT_SECONDS,
 * SMOKE_POLL_SECONDS, SMOKE_REQUEST_TIMEOUT_SECONDS, SMOKE_ARTIFACTS (see checks.ts).
 */
import { join } from 'node:path';
import { main } from './checks';

main(process.env, join(__dirname, '..', '..')).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
