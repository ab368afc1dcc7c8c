import { mkdirSync, writeFileSync } from 'node:fs';
import { startBrowserMode } from './browser-mode';

/**
 * Starts the shared browser-mode server on an empty FOUNDRY_HOME and hands its URL to the specs
 * through FOUNDRY_WEB_URL. The time from spawn to the URL is kept for the cold-start measurement.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const server = await startBrowserMode();
  process.env.FOUNDRY_WEB_URL = server.url;
  process.env.FOUNDRY_E2E_HOME = server.home;
  process.env.FOUNDRY_SERVER_READY_MS = String(server.readyMs);
  process.env.FOUNDRY_SERVER_SPAWNED_AT = String(Date.now() - server.readyMs);
  mkdirSync('e2e/artifacts', { recursive: true });
  writeFileSync('e2e/artifacts/server.log', server.output);
  return () => server.stop();
}
