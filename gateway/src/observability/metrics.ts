/**
 * The gateway's Prometheus metrics, one registry per app (tests run several apps in a process).
 * Label children are cached by a joined key: prom-client hashes label objects on every call, which
 * shows up on the hot path at tens of thousands of requests per second.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const OVERHEAD = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05];

type Child = { inc(v?: number): void };
type HChild = { observe(v: number): void };

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'foundry_gateway_requests_total', help: 'Requests by route, model, project and status.', labelNames: ['route', 'model', 'project', 'status'], registers: [this.registry] });
  private readonly errors = new Counter({ name: 'foundry_gateway_errors_total', help: 'Errors returned to clients by gateway error code.', labelNames: ['code'], registers: [this.registry] });
  private readonly total = new Histogram({ name: 'foundry_gateway_request_duration_seconds', help: 'Total request duration.', labelNames: ['route', 'model'], buckets: LATENCY, registers: [this.registry] });
  private readonly upstream = new Histogram({ name: 'foundry_gateway_upstream_duration_seconds', help: 'Upstream duration (to full body, or to first byte for streams).', labelNames: ['route', 'model'], buckets: LATENCY, registers: [this.registry] });
  private readonly overhead = new Histogram({ name: 'foundry_gateway_overhead_seconds', help: 'Time the gateway itself added to a request.', labelNames: ['route'], buckets: OVERHEAD, registers: [this.registry] });
  private readonly ttft = new Histogram({ name: 'foundry_gateway_time_to_first_token_seconds', help: 'Time to first streamed byte seen by the client.', labelNames: ['model'], buckets: LATENCY, registers: [this.registry] });
  private readonly tokens = new Counter({ name: 'foundry_gateway_tokens_total', help: 'Tokens by direction, project, model and key.', labelNames: ['direction', 'project', 'model', 'key'], registers: [this.registry] });
  readonly reloads = new Counter({ name: 'foundry_gateway_config_reloads_total', help: 'Config reloads by result.', labelNames: ['result'], registers: [this.registry] });
  readonly upstreamAttempts = new Counter({ name: 'foundry_gateway_upstream_attempts_total', help: 'Upstream attempts by target and outcome.', labelNames: ['target', 'outcome'], registers: [this.registry] });
  private readonly guardrail = new Counter({ name: 'foundry_gateway_guardrail_actions_total', help: 'Guardrail blocks and redactions (matches) by project, profile, rule, action and direction.', labelNames: ['project', 'profile', 'rule', 'action', 'direction'], registers: [this.registry] });
  private readonly cache = new Counter({ name: 'foundry_gateway_cache_requests_total', help: 'Response cache lookups by model and result (hit, miss).', labelNames: ['model', 'result'], registers: [this.registry] });
  private readonly children = new Map<string, Child | HChild>();

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

  private child<T extends Child | HChild>(key: string, make: () => T): T {
    let c = this.children.get(key) as T | undefined;
    if (!c) {
      c = make();
      if (this.children.size > 50_000) this.children.clear();
      this.children.set(key, c);
    }
    return c;
  }

  request(route: string, model: string, project: string, status: number): void {
    this.child(`r\u0000${route}\u0000${model}\u0000${project}\u0000${status}`, () => this.requests.labels(route, model, project, String(status))).inc();
  }

  error(code: string): void {
    this.child(`e\u0000${code}`, () => this.errors.labels(code)).inc();
  }

  durations(route: string, model: string, totalS: number, upstreamS: number): void {
    this.child(`t\u0000${route}\u0000${model}`, () => this.total.labels(route, model)).observe(totalS);
    if (upstreamS > 0) this.child(`u\u0000${route}\u0000${model}`, () => this.upstream.labels(route, model)).observe(upstreamS);
    this.child(`o\u0000${route}`, () => this.overhead.labels(route)).observe(Math.max(0, totalS - upstreamS));
  }

  firstToken(model: string, seconds: number): void {
    this.child(`f\u0000${model}`, () => this.ttft.labels(model)).observe(seconds);
  }

  guardrailAction(project: string, profile: string, rule: string, action: string, direction: string, n: number): void {
    this.child(`g\u0000${project}\u0000${profile}\u0000${rule}\u0000${action}\u0000${direction}`, () => this.guardrail.labels(project, profile, rule, action, direction)).inc(n);
  }

  cacheLookup(model: string, hit: boolean): void {
    this.child(`c\u0000${model}\u0000${hit ? 1 : 0}`, () => this.cache.labels(model, hit ? 'hit' : 'miss')).inc();
  }

  tokensUsed(project: string, model: string, key: string, input: number, output: number): void {
    if (input > 0) this.child(`i\u0000${project}\u0000${model}\u0000${key}`, () => this.tokens.labels('input', project, model, key)).inc(input);
    if (output > 0) this.child(`o2\u0000${project}\u0000${model}\u0000${key}`, () => this.tokens.labels('output', project, model, key)).inc(output);
  }
}
