/**
 * "Test connection": the desktop calls the upstream itself with the stored key. OpenAI-style
 * servers and Anthropic list their models (GET …/models); Azure OpenAI has no per-deployment
 * list, so it gets a 1-token chat request to the deployment, which proves the resource URL,
 * deployment, api-version and key together. The key goes only into the request header. An endpoint
 * with a CA bundle is called through its own connection agent trusting that bundle (and only it),
 * as the gateway's pool for it does.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request, type Dispatcher } from 'undici';
import { nowIso } from '../store/db';
import { httpFailure, networkFailure, scrub } from './probe-errors';
import type { EndpointKind, EndpointTestResult } from './types';

export interface ProbeTarget {
  kind: EndpointKind;
  baseUrl: string;
  upstreamModel: string;
  apiVersion: string | null;
  /** PEM CA bundle for a private CA; null: the system roots. */
  caBundle: string | null;
}

export interface ProbeOptions {
  /** Whole-probe deadline (default 15 s). */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

const MAX_BODY = 4 * 1024 * 1024;
const MAX_MODELS = 500;
const AGENT_OPTIONS = { headersTimeout: 15_000, bodyTimeout: 15_000 };
const sharedAgent = new Agent({ connect: { timeout: 10_000 }, ...AGENT_OPTIONS });

interface ProbeRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

function probeRequest(t: ProbeTarget, apiKey: string | null): ProbeRequest {
  const json = { accept: 'application/json' };
  switch (t.kind) {
    case 'openai':
    case 'openai_compatible':
      return { method: 'GET', url: `${t.baseUrl}/models`, headers: { ...json, ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) } };
    case 'anthropic':
      return { method: 'GET', url: `${t.baseUrl}/models?limit=1000`, headers: { ...json, 'anthropic-version': t.apiVersion ?? '2023-06-01', ...(apiKey ? { 'x-api-key': apiKey } : {}) } };
    case 'azure':
      return {
        method: 'POST',
        url: `${t.baseUrl}/openai/deployments/${encodeURIComponent(t.upstreamModel)}/chat/completions?api-version=${encodeURIComponent(t.apiVersion ?? '')}`,
        headers: { ...json, 'content-type': 'application/json', ...(apiKey ? { 'api-key': apiKey } : {}) },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 }),
      };
  }
}

async function readBody(body: Dispatcher.ResponseData['body']): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      body.destroy();
      return null;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function modelIds(text: string): string[] | null {
  try {
    const data = (JSON.parse(text) as { data?: unknown }).data;
    if (!Array.isArray(data)) return null;
    return data.filter((m): m is { id: string } => typeof (m as { id?: unknown })?.id === 'string').map((m) => m.id.slice(0, 256));
  } catch {
    return null;
  }
}

export async function probeEndpoint(t: ProbeTarget, apiKey: string | null, options: ProbeOptions = {}): Promise<EndpointTestResult> {
  const req = probeRequest(t, apiKey);
  const shown = `${req.method} ${req.url}`;
  const base = { at: nowIso(), probe: shown, models: [] as string[], upstreamModelListed: null, note: null };
  // A probe is rare: an agent of its own for a CA bundle costs one handshake, and is closed after.
  const own = !options.dispatcher && t.caBundle ? new Agent({ connect: { timeout: 10_000, ca: t.caBundle }, ...AGENT_OPTIONS }) : null;
  const started = performance.now();
  let res: Dispatcher.ResponseData;
  let text: string | null;
  try {
    res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: options.dispatcher ?? own ?? sharedAgent,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    text = await readBody(res.body);
  } catch (err) {
    return { ...base, ok: false, latencyMs: null, status: null, error: networkFailure(err, req.url, t.caBundle !== null) };
  } finally {
    void own?.close();
  }
  const latencyMs = Math.round(performance.now() - started);
  const answered = { ...base, latencyMs, status: res.statusCode };
  if (text === null) {
    return { ...answered, ok: false, error: { kind: 'bad_response', message: `${shown} answered with more than ${MAX_BODY / 1024 / 1024} MiB.`, hint: 'Check that the base URL points at the API root.' } };
  }
  if (t.kind === 'azure') {
    // Auth and the deployment are checked before the body: a 400 means both passed.
    if (res.statusCode === 200 || res.statusCode === 400) {
      const note = res.statusCode === 400 ? `The deployment accepted the key but refused the 1-token probe (HTTP 400): ${scrub(text, apiKey).slice(0, 200)}` : null;
      let model = t.upstreamModel;
      try {
        const m = (JSON.parse(text) as { model?: unknown }).model;
        if (typeof m === 'string' && m) model = m.slice(0, 256);
      } catch {
        // keep the deployment name
      }
      return { ...answered, ok: true, models: [model], upstreamModelListed: true, note, error: null };
    }
    return { ...answered, ok: false, error: httpFailure(t.kind, res.statusCode, text, apiKey, shown) };
  }
  if (res.statusCode !== 200) return { ...answered, ok: false, error: httpFailure(t.kind, res.statusCode, text, apiKey, shown) };
  const ids = modelIds(text);
  if (ids === null) {
    return {
      ...answered,
      ok: false,
      error: { kind: 'bad_response', message: `${shown} answered 200 but not with a model list.`, hint: 'Check that the base URL is the API root of an OpenAI-compatible server (usually ending in /v1).' },
    };
  }
  const listed = ids.includes(t.upstreamModel);
  return {
    ...answered,
    ok: true,
    models: [...ids].sort().slice(0, MAX_MODELS),
    upstreamModelListed: listed,
    note: listed ? null : `The model list does not name "${t.upstreamModel}"; requests for it will likely fail. Pick one of the models listed.`,
    error: null,
  };
}
