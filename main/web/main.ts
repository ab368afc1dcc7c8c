import { resolve } from 'node:path';
import { createCore } from '../core/core';
import { foundryHome } from '../core/paths';
import { toFoundryError } from '../core/errors';
import { startWebServer } from './server';

/** Entry point of browser mode (`npm run web`): one core, one local server, one printed URL. */
export async function runBrowserMode(options: { rendererDir: string; port?: number; reason?: string }): Promise<void> {
  const home = foundryHome();
  let core;
  try {
    core = createCore({ home });
  } catch (err) {
    const e = toFoundryError(err);
    console.error(`Foundry cannot start: ${e.message}${e.hint ? `\n${e.hint}` : ''}`);
    process.exit(1);
  }
  const server = await startWebServer({ core, rendererDir: options.rendererDir, port: options.port });
  if (options.reason) console.log(options.reason);
  console.log(`Foundry (browser mode) is running. Open: ${server.openUrl}`);
  console.log(`Data: ${home}  ·  Stop with Ctrl+C`);

  const stop = async () => {
    await server.close();
    await core.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  const port = process.env.FOUNDRY_PORT ? Number(process.env.FOUNDRY_PORT) : undefined;
  void runBrowserMode({ rendererDir: resolve(__dirname, '../renderer'), port, reason: process.env.FOUNDRY_START_REASON });
}
