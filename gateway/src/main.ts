/**
 * Process entry: load config, start the gateway, hot-reload the config, drain on SIGTERM.
 * Usage: node gateway.js [--config /etc/foundry-gateway] (or FOUNDRY_GATEWAY_CONFIG).
 */
import pino from 'pino';
import { createGateway } from './app';
import { loadConfigFile, watchConfig } from './config/watch';

const log = pino({ base: { component: 'foundry-gateway' } });

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const path = argValue('--config') ?? process.env.FOUNDRY_GATEWAY_CONFIG ?? '/etc/foundry-gateway';
  const loaded = await loadConfigFile(path);
  if (!loaded.ok) {
    log.error({ errors: loaded.errors }, 'invalid gateway config');
    process.exit(2);
  }
  const port = argValue('--port');
  if (port) loaded.config.server.port = Number(port);
  const created = await createGateway({ config: loaded.config, processMetrics: true, warn: (fields, message) => log.warn(fields, message) });
  if (!created.ok) {
    log.error({ errors: created.errors }, 'cannot start gateway');
    process.exit(2);
  }
  const gw = created.gateway;
  const address = await gw.listen();
  log.info({ address }, 'gateway listening');
  const stopWatch = watchConfig(
    {
      path,
      apply: (c) => gw.reload(c),
      onResult: (r) => (r.ok ? log.info({ hash: r.hash }, 'config reloaded') : log.error({ errors: r.errors, hash: r.hash }, 'config rejected; keeping the previous one')),
    },
    loaded.hash,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining');
    stopWatch();
    await gw.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
