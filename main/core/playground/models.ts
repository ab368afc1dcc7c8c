import { request, type Dispatcher } from 'undici';
import { FoundryError } from '../errors';
import { callHeaders, type ResolvedTarget } from './targets';
import { readBodyUpTo } from './upstream-errors';
import type { PlaygroundModel } from './types';

const MODELS_TIMEOUT_MS = 10_000;
/** A listing entry is ~100–200 bytes, so this holds tens of thousands of models and still bounds what a bad endpoint sends. */
export const MAX_MODELS_BODY = 8 * 1024 * 1024;

/**
 * What a target serves to the caller's key (`GET /v1/models`), sorted by id. The Playground lists it; the load test
 * times it (a gateway answers it itself) and checks the measured endpoint is in it. `signal` cancels it early.
 */
export async function listModels(target: ResolvedTarget, signal?: AbortSignal): Promise<PlaygroundModel[]> {
  const timeout = AbortSignal.timeout(MODELS_TIMEOUT_MS);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(`${target.baseUrl}/v1/models`, { dispatcher: target.dispatcher, headers: callHeaders(target), signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (err) {
    throw signal?.aborted ? err : target.unreachable(err);
  }
  const { text, truncated } = await readBodyUpTo(res.body, MAX_MODELS_BODY);
  if (res.statusCode !== 200) throw target.failure(res.statusCode, text, res.headers['retry-after']);
  if (truncated) {
    throw new FoundryError({
      code: 'FAILED_PRECONDITION',
      message: `${target.label} answered /v1/models with more than ${MAX_MODELS_BODY / 1024 / 1024} MiB; Foundry reads no more of a model list than that.`,
      hint: 'Check that the URL points at a Foundry gateway or another OpenAI-compatible endpoint; a gateway with that many models is better split by project.',
    });
  }
  let parsed: { data?: { id?: unknown; owned_by?: unknown }[] };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = {};
  }
  if (!Array.isArray(parsed.data)) {
    throw new FoundryError({ code: 'FAILED_PRECONDITION', message: `${target.label} did not answer /v1/models with a model list.`, hint: 'Check that the URL points at a Foundry gateway or another OpenAI-compatible endpoint.' });
  }
  return parsed.data
    .filter((m): m is { id: string; owned_by?: unknown } => typeof m?.id === 'string')
    .map((m) => ({ id: m.id.slice(0, 256), ownedBy: typeof m.owned_by === 'string' ? m.owned_by.slice(0, 100) : null }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
