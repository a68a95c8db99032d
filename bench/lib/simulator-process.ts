/**
 * The GitHub simulator in its own process, so that generating reports does not compete with the
 * ingester for its event loop (GitHub is another machine, after all). Forked by processes.ts.
 */
import { SimulatorServer } from '@copilot-metrics/ingester/testing';
import { TODAY } from './fixtures';

async function main() {
  const options = JSON.parse(process.argv[2] ?? '{}') as { users: number; orgs: number; seed: number };
  const simulator = new SimulatorServer({ ...options, today: () => TODAY });
  await simulator.start();
  process.send!({ url: simulator.url, scopes: simulator.scopes });
  process.once('disconnect', () => void simulator.stop().then(() => process.exit(0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
