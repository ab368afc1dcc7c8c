/**
 * The gateway's composition root: builds services, registers plugins and routes, owns the
 * current Runtime and swaps it on reload, and drains on close. Everything else gets its
 * dependencies from here.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { createServer, type ServerResponse } from 'node:http';
import pino, { type DestinationStream } from 'pino';
import { AccessLog } from './observability/access-log';
import type { GatewayConfig } from './config/schema';
import { processSecrets, type SecretSource } from './config/secrets';
import { createLimitStore } from './limits/store';
import type { LimitStore } from './limits/types';
import { createFastPath } from './http/fast-path';
import { keySetFailureReporter, type WarnLog } from './observability/jwks-failures';
import { GatewayMetrics } from './observability/metrics';
import { Tracing } from './observability/otel';
import { authPlugin } from './plugins/auth';
import { bodyPlugin } from './plugins/body';
import { errorsPlugin } from './plugins/errors';
import { openApiPlugin } from './plugins/openapi';
import './plugins/request-context';
import { adminRoutes } from './routes/admin';
import { filesRoutes } from './routes/files';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { imagesRoutes } from './routes/v1/images';
import { INFERENCE_ROUTES, inferenceRoutes } from './routes/v1/inference-routes';
import { modelsRoutes } from './routes/v1/models';
import { buildRuntime, type Runtime, type SharedState } from './runtime';
import { AJV_OPTIONS } from './schemas/validate';
import type { Services } from './services';
import { UsageFeed } from './usage/feed';

export interface GatewayOptions {
  config: GatewayConfig;
  secrets?: SecretSource;
  /** Where access logs go; false turns them off (also off when config says so). Default: stdout, async. */
  accessLog?: DestinationStream | false;
  /** Operational warnings (pino's signature), e.g. a JWKS URL that cannot be fetched; none when absent. */
  warn?: WarnLog;
  /** Node process metrics (CPU, heap, event loop lag) on /metrics. */
  processMetrics?: boolean;
  usageCapacity?: number;
  /**
   * Serve the inference routes on the raw node:http fast path (http/fast-path.ts); default true.
   * false leaves every request to fastify (the parity test compares the two).
   */
  fastPath?: boolean;
}

export type ReloadResult = { ok: true } | { ok: false; errors: string[] };

export interface Gateway {
  app: FastifyInstance;
  services: Services;
  runtime(): Runtime;
  /** Atomically replaces the config; on any error the old one keeps serving. */
  reload(config: GatewayConfig): Promise<ReloadResult>;
  listen(): Promise<string>;
  /** Stops accepting, lets in-flight requests and streams finish (up to the grace period), then closes. */
  close(): Promise<void>;
}

const BREAKER_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

export async function createGateway(opts: GatewayOptions): Promise<{ ok: true; gateway: Gateway } | { ok: false; errors: string[] }> {
  const secrets = opts.secrets ?? processSecrets;
  const shared: SharedState = { pools: new Map(), h1Pools: new Map(), targets: new Map() };
  const storeResult = createLimitStore(opts.config.limits, secrets);
  if (!storeResult.ok) return storeResult;
  let store: LimitStore = storeResult.store;
  let limitsKey = JSON.stringify(opts.config.limits);
  const metrics = new GatewayMetrics(
    () => [...shared.targets.values()].map((t) => ({ target: t.id, state: BREAKER_VALUE[t.breaker.state] })),
    opts.processMetrics ?? false,
  );
  const onKeySetFailure = keySetFailureReporter(metrics, opts.warn);
  const first = await buildRuntime(opts.config, { secrets, shared, limitStore: store, onKeySetFailure });
  if (!first.ok) {
    await store.close();
    return first;
  }
  let current = first.runtime;
  let draining = false;
  let lastReload = { at: null as string | null, ok: true, errors: [] as string[] };
  const streams = new Set<ServerResponse>();
  const logOn = opts.accessLog !== false && opts.config.server.access_log;
  let accessLog: AccessLog | null = null;
  if (logOn && opts.accessLog) accessLog = new AccessLog(opts.accessLog);
  // Async stdout (sonic-boom, no buffering of its own); AccessLog writes ~16 KB batches.
  else if (logOn) accessLog = new AccessLog(pino.destination({ dest: 1, sync: false }), 16_000);
  const tracing = opts.config.tracing ? new Tracing(opts.config.tracing, '0.1.0') : null;
  const services: Services = { metrics, usage: new UsageFeed(opts.usageCapacity), accessLog, runtime: () => current, streams, tracing };

  const cfg = opts.config.server;
  const fast = opts.fastPath === false ? null : createFastPath({ services, routes: INFERENCE_ROUTES, bodyLimit: cfg.body_limit_bytes, trustProxy: cfg.trust_proxy, draining: () => draining });
  const app = Fastify({
    logger: false,
    bodyLimit: cfg.body_limit_bytes,
    trustProxy: cfg.trust_proxy,
    return503OnClosing: true,
    requestIdHeader: false,
    ajv: { customOptions: { ...AJV_OPTIONS } },
    // Our own server so the fast path sees each request first; the timeouts are the ones fastify
    // sets on a server it creates (keep-alive 72 s, no request or connection timeout).
    serverFactory: (handler) => {
      const server = createServer(fast ? (req, res) => fast(req, res) || handler(req, res) : handler);
      server.keepAliveTimeout = 72_000;
      server.requestTimeout = 0;
      server.setTimeout(0);
      return server;
    },
  });
  await app.register(errorsPlugin, { services });
  await app.register(openApiPlugin);
  await app.register(bodyPlugin);
  await app.register(authPlugin, { services });
  await app.register(healthRoutes, { draining: () => draining });
  await app.register(metricsRoutes, { services });
  await app.register(adminRoutes, { services, lastReload: () => lastReload });
  await app.register(inferenceRoutes, { services });
  await app.register(imagesRoutes, { services });
  await app.register(filesRoutes, { services });
  await app.register(modelsRoutes);

  const gateway: Gateway = {
    app,
    services,
    runtime: () => current,
    async reload(config) {
      let nextStore = store;
      const key = JSON.stringify(config.limits);
      if (key !== limitsKey) {
        const s = createLimitStore(config.limits, secrets);
        if (!s.ok) return fail(s.errors);
        nextStore = s.store;
      }
      const built = await buildRuntime(config, { secrets, shared, limitStore: nextStore, onKeySetFailure });
      if (!built.ok) {
        if (nextStore !== store) await nextStore.close();
        return fail(built.errors);
      }
      const old = current;
      const oldStore = store;
      current = built.runtime;
      store = nextStore;
      limitsKey = key;
      old.dispose();
      if (oldStore !== store) setTimeout(() => void oldStore.close(), 30_000).unref();
      metrics.reloads.labels('ok').inc();
      lastReload = { at: new Date().toISOString(), ok: true, errors: [] };
      return { ok: true };
    },
    async listen() {
      return app.listen({ host: cfg.host, port: cfg.port });
    },
    async close() {
      draining = true;
      // A finished stream leaves an idle keep-alive socket that server.close() would wait on.
      // (res.socket is already detached at 'finish', so hold on to it now.)
      for (const res of streams) {
        const socket = res.socket;
        if (res.writableFinished) socket?.end();
        else res.once('finish', () => socket?.end());
      }
      const timer = setTimeout(() => {
        for (const s of streams) s.destroy();
      }, cfg.shutdown_grace_ms);
      await app.close();
      clearTimeout(timer);
      current.dispose();
      await store.close();
      await Promise.all([...shared.pools.values(), ...shared.h1Pools.values()].map((p) => p.close().catch(() => undefined)));
      // The runtime leaves the key set it shares for the next reload open: nothing reloads now.
      await shared.keySet?.client.close().catch(() => undefined);
      accessLog?.close();
      await tracing?.shutdown();
    },
  };

  function fail(errors: string[]): ReloadResult {
    metrics.reloads.labels('error').inc();
    lastReload = { at: new Date().toISOString(), ok: false, errors };
    return { ok: false, errors };
  }

  return { ok: true, gateway };
}
