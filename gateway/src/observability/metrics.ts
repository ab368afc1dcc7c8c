/**
 * The gateway's Prometheus metrics, one registry per app (tests run several apps in a process).
 * Everything updated per request is a FastCounter/FastHistogram (fast-metrics.ts): a series is
 * found by a joined key and updated with a few additions, because prom-client's own child objects
 * re-validate and re-hash their labels on every call. Rare ones (reloads, breaker gauge) stay
 * plain prom-client.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { FastCounter, FastHistogram } from './fast-metrics';

const LATENCY = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const OVERHEAD = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05];
/** Label sets kept per metric before old series are dropped (a bound against label explosions). */
const MAX_SERIES = 50_000;

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new FastCounter(this.registry, 'foundry_gateway_requests_total', 'Requests by route, model, project and status.', ['route', 'model', 'project', 'status']);
  private readonly errors = new FastCounter(this.registry, 'foundry_gateway_errors_total', 'Errors returned to clients by gateway error code.', ['code']);
  private readonly total = new FastHistogram(this.registry, 'foundry_gateway_request_duration_seconds', 'Total request duration.', ['route', 'model'], LATENCY);
  private readonly upstream = new FastHistogram(this.registry, 'foundry_gateway_upstream_duration_seconds', 'Upstream duration (to full body, or to first byte for streams).', ['route', 'model'], LATENCY);
  private readonly overhead = new FastHistogram(this.registry, 'foundry_gateway_overhead_seconds', 'Time the gateway itself added to a request.', ['route'], OVERHEAD);
  private readonly ttft = new FastHistogram(this.registry, 'foundry_gateway_time_to_first_token_seconds', 'Time to first streamed byte seen by the client.', ['model'], LATENCY);
  private readonly tokens = new FastCounter(this.registry, 'foundry_gateway_tokens_total', 'Tokens by direction, project, model and key.', ['direction', 'project', 'model', 'key']);
  readonly reloads = new Counter({ name: 'foundry_gateway_config_reloads_total', help: 'Config reloads by result.', labelNames: ['result'], registers: [this.registry] });
  readonly jwksFailures = new Counter({ name: 'foundry_gateway_jwks_fetch_failures_total', help: 'Failed JWKS (JWT key set) fetches by reason: tls, timeout, network, http_status, invalid.', labelNames: ['reason'], registers: [this.registry] });
  private readonly attempts = new FastCounter(this.registry, 'foundry_gateway_upstream_attempts_total', 'Upstream attempts by target and outcome.', ['target', 'outcome']);
  private readonly guardrail = new FastCounter(this.registry, 'foundry_gateway_guardrail_actions_total', 'Guardrail blocks and redactions (matches) by project, profile, rule, action and direction.', ['project', 'profile', 'rule', 'action', 'direction']);
  private readonly cache = new FastCounter(this.registry, 'foundry_gateway_cache_requests_total', 'Response cache lookups by model and result (hit, miss).', ['model', 'result']);
  private readonly fast: (FastCounter | FastHistogram)[] = [this.requests, this.errors, this.total, this.upstream, this.overhead, this.ttft, this.tokens, this.attempts, this.guardrail, this.cache];
  private updates = 0;

  constructor(readBreakers: () => { target: string; state: number }[], defaults = false) {
    new Gauge({
      name: 'foundry_gateway_breaker_state',
      help: 'Circuit breaker state per target: 0 closed, 1 half-open, 2 open.',
      labelNames: ['target'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const b of readBreakers()) this.set({ target: b.target }, b.state);
      },
    });
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }

  /** Every 64k updates, drops all series of a metric that grew past MAX_SERIES (a label explosion). */
  private tick(): void {
    if ((++this.updates & 0xffff) !== 0) return;
    for (const m of this.fast) if (m.size > MAX_SERIES) m.reset();
  }

  request(route: string, model: string, project: string, status: number): void {
    this.tick();
    this.requests.get_(`${route}\u0000${model}\u0000${project}\u0000${status}`, [route, model, project, String(status)]).inc();
  }

  error(code: string): void {
    this.errors.get_(code, [code]).inc();
  }

  attempt(target: string, outcome: string): void {
    this.attempts.get_(`${target}\u0000${outcome}`, [target, outcome]).inc();
  }

  durations(route: string, model: string, totalS: number, upstreamS: number): void {
    const key = `${route}\u0000${model}`;
    this.total.get_(key, [route, model]).observe(totalS);
    if (upstreamS > 0) this.upstream.get_(key, [route, model]).observe(upstreamS);
    this.overhead.get_(route, [route]).observe(Math.max(0, totalS - upstreamS));
  }

  firstToken(model: string, seconds: number): void {
    this.ttft.get_(model, [model]).observe(seconds);
  }

  guardrailAction(project: string, profile: string, rule: string, action: string, direction: string, n: number): void {
    this.guardrail.get_(`${project}\u0000${profile}\u0000${rule}\u0000${action}\u0000${direction}`, [project, profile, rule, action, direction]).inc(n);
  }

  cacheLookup(model: string, hit: boolean): void {
    this.cache.get_(`${model}\u0000${hit ? 1 : 0}`, [model, hit ? 'hit' : 'miss']).inc();
  }

  tokensUsed(project: string, model: string, key: string, input: number, output: number): void {
    if (input > 0) this.tokens.get_(`i\u0000${project}\u0000${model}\u0000${key}`, ['input', project, model, key]).inc(input);
    if (output > 0) this.tokens.get_(`o\u0000${project}\u0000${model}\u0000${key}`, ['output', project, model, key]).inc(output);
  }
}
