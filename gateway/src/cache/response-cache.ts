/**
 * Exact-match response cache, one per model that configures `cache`. Bounded LRU (a Map in
 * recency order: a hit re-inserts its entry at the end, an insert past max_entries drops the
 * first) with a TTL checked on read. Keys are the project plus a SHA-256 of the canonical JSON of
 * the operation and the request body without the fields that cannot change the answer, so two
 * projects never share an entry and key order or whitespace never splits one.
 */
import { createHash } from 'node:crypto';
import type { CacheConfig } from '../config/schema';
import type { Operation, Usage } from '../providers/types';

export interface CachedAnswer {
  body: Buffer | string;
  usage: Usage | null;
  /** Output guardrail report header recorded when the answer was stored. */
  guardrail: string;
  expires: number;
}

/** Fields that do not change the answer: delivery options and end-user ids. */
const IGNORED = new Set(['stream', 'stream_options', 'user']);

/** JSON with object keys sorted at every level; arrays keep their order (it is meaningful). */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(v as object).sort();
  let out = '{';
  for (const k of keys) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(k)}:${canonicalJson(x)}`;
  }
  return `${out}}`;
}

export function cacheKey(project: string, op: Operation, body: Record<string, unknown>): string {
  const kept: Record<string, unknown> = {};
  for (const k of Object.keys(body)) if (!IGNORED.has(k)) kept[k] = body[k];
  const digest = createHash('sha256').update(op).update('\u0000').update(canonicalJson(kept)).digest('base64url');
  return `${project}\u0000${digest}`;
}

export class ResponseCache {
  private readonly entries = new Map<string, CachedAnswer>();
  readonly ttlMs: number;
  readonly maxEntries: number;

  constructor(cfg: CacheConfig, private readonly now: () => number = Date.now) {
    this.ttlMs = cfg.ttl_ms;
    this.maxEntries = cfg.max_entries;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CachedAnswer | null {
    const e = this.entries.get(key);
    if (!e) return null;
    this.entries.delete(key);
    if (e.expires <= this.now()) return null;
    this.entries.set(key, e);
    return e;
  }

  set(key: string, answer: Omit<CachedAnswer, 'expires'>): void {
    this.entries.delete(key);
    this.entries.set(key, { ...answer, expires: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
