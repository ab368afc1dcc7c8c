import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { FoundryError } from '../../errors';
import { createSseReader } from '../../playground/sse';
import { scrub } from '../../endpoints/probe-errors';
import { createStatsRecorder, type AnswerTiming } from '../../playground/stats';
import { readErrorBody } from '../../playground/upstream-errors';
import { seededRandom } from '../../../../optimizer/src/index';
import { sizingFrom, words, wordsFor, type PromptSizing } from './prompts';

/**
 * A closed-loop load test of one OpenAI-compatible endpoint, the way serving benchmarks (vLLM's `bench serve` with
 * --max-concurrency, genai-perf) measure a deployment: `concurrency` clients, each sending its next streaming
 * request as soon as its last one ends, until `requests` have been sent. TTFT is the time to the first content
 * token; TPOT is (last token − first token) / (output tokens − 1) per request; throughput is output tokens over the whole
 * test's wall time. The first failed request ends the test with its error: a run with failures does not measure
 * the plan, it measures the failure.
 */

export interface LoadTarget {
  /** The chat-completions URL. */
  url: string;
  headers: Record<string, string>;
  dispatcher: Dispatcher;
  /** For messages: which endpoint. */
  label: string;
  model: string;
  /** vLLM, SGLang and llama.cpp honour ignore_eos, which keeps every answer at max_tokens; OpenAI refuses it. */
  ignoreEos: boolean;
  /** The key, so an upstream message that echoes it is scrubbed. */
  apiKey: string | null;
  /** A non-200 answer as an error the user can act on. */
  failure(status: number, body: string): FoundryError;
  /** A request that got no answer (refused, timed out, TLS) as such an error. */
  unreachable(err: unknown): FoundryError;
}

export interface LoadTestOptions {
  concurrency: number;
  requests: number;
  /** Prompt tokens to aim for. */
  isl: number;
  /** Output tokens per request (max_tokens). */
  osl: number;
  signal: AbortSignal;
  seed?: number;
  onProgress?(done: number, total: number): void;
}

export interface Distribution {
  mean: number;
  median: number;
  p99: number;
}

export interface LoadTestResult {
  requests: number;
  concurrency: number;
  durationMs: number;
  /** Mean prompt and output tokens per request, as the server counted them (usage) or, without usage, estimated. */
  promptTokens: number;
  outputTokens: number;
  /** Whether token counts came from the server's usage, or were estimated (prompts) and counted from chunks. */
  tokensFrom: 'usage' | 'estimate';
  ttftMs: Distribution;
  tpotMs: Distribution;
  outputTokensPerSec: number;
  sizing: PromptSizing;
}

/** An answer's timing, once it had content. */
type Answer = AnswerTiming & { ttftMs: number };

/** Used when the server reports no usage: about 1.3 tokens per common English word in BPE tokenizers. */
const FALLBACK_SIZING: PromptSizing = { tokensPerWord: 1.3, overheadTokens: 0 };

/** One streaming request, timed from the moment it is sent, the way the Playground times an answer. */
async function send(target: LoadTarget, prompt: string, maxTokens: number, signal: AbortSignal): Promise<Answer> {
  const body: Record<string, unknown> = {
    model: target.model,
    messages: [{ role: 'user', content: prompt }],
    max_tokens: maxTokens,
    stream: true,
    stream_options: { include_usage: true },
    temperature: 0,
  };
  if (target.ignoreEos) body.ignore_eos = true;
  const stats = createStatsRecorder();
  let res: Dispatcher.ResponseData;
  try {
    res = await request(target.url, { method: 'POST', dispatcher: target.dispatcher, headers: { ...target.headers, 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify(body), signal });
  } catch (err) {
    throw signal.aborted ? err : target.unreachable(err);
  }
  if (res.statusCode !== 200) throw target.failure(res.statusCode, await readErrorBody(res.body));
  const reader = createSseReader();
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body) {
      const piece = reader.push(decoder.decode(chunk as Uint8Array, { stream: true }));
      stats.content(piece.contentChunks);
      if (piece.usage) stats.usage(piece.usage);
      if (piece.error) throw new FoundryError({ code: 'FAILED_PRECONDITION', message: `${target.label} broke off an answer: ${scrub(piece.error, target.apiKey).slice(0, 300)}`, hint: 'Check the deployment behind the endpoint, then measure again.' });
    }
  } catch (err) {
    res.body.destroy();
    if (signal.aborted || err instanceof FoundryError) throw err;
    throw target.unreachable(err);
  }
  const timing = stats.timing();
  if (timing.ttftMs === null) {
    throw new FoundryError({ code: 'FAILED_PRECONDITION', message: `${target.label} answered without any content, so there is no first token to time.`, hint: 'Check that the endpoint serves chat completions with streaming for this model.' });
  }
  return { ...timing, ttftMs: timing.ttftMs };
}

/** Two short probes that read the server's prompt_tokens for known word counts; null when it reports no usage. */
export async function probeSizing(target: LoadTarget, signal: AbortSignal, seed = 1): Promise<PromptSizing | null> {
  const random = seededRandom(seed ^ 0x5eed);
  const counts = [40, 240];
  const answers = [];
  for (const n of counts) answers.push(await send(target, words(n, random), 1, signal));
  const [a, b] = answers as [Answer, Answer];
  if (a.promptTokens === null || b.promptTokens === null) return null;
  return sizingFrom({ words: counts[0]!, tokens: a.promptTokens }, { words: counts[1]!, tokens: b.promptTokens });
}

function distribution(values: number[]): Distribution {
  const s = [...values].sort((x, y) => x - y);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  const mean = s.reduce((n, v) => n + v, 0) / s.length;
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { mean: round(mean), median: round(median), p99: round(at(0.99)) };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export async function runLoadTest(target: LoadTarget, sizing: PromptSizing | null, o: LoadTestOptions): Promise<LoadTestResult> {
  const used = sizing ?? FALLBACK_SIZING;
  const random = seededRandom(o.seed ?? 42);
  // Prompts are made before the clock starts; each begins with its own words, so none shares a cached prefix.
  const prompts = Array.from({ length: o.requests }, () => words(wordsFor(o.isl, used), random));
  const answers: Answer[] = [];
  let next = 0;
  // One client's failure stops the others: their requests are aborted, and the first error is the test's.
  const stop = new AbortController();
  const signal = AbortSignal.any([o.signal, stop.signal]);
  let failure: unknown = null;
  const started = performance.now();
  const client = async () => {
    while (next < o.requests && !signal.aborted) {
      const prompt = prompts[next++]!;
      try {
        answers.push(await send(target, prompt, o.osl, signal));
      } catch (err) {
        if (!failure && !o.signal.aborted) failure = err;
        stop.abort();
        return;
      }
      o.onProgress?.(answers.length, o.requests);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, o.requests) }, client));
  const durationMs = performance.now() - started;
  if (o.signal.aborted) throw o.signal.reason ?? new Error('aborted');
  if (failure) {
    const e = failure instanceof FoundryError ? failure : target.unreachable(failure);
    throw new FoundryError({ code: e.code, message: `Request ${answers.length + 1} of ${o.requests} failed: ${e.message}`, hint: e.hint, details: e.details });
  }
  const decoding = answers.filter((a) => a.outputTokens > 1);
  if (decoding.length === 0) {
    throw new FoundryError({ code: 'FAILED_PRECONDITION', message: `Every answer from ${target.label} had at most one token, so there is no time per output token to measure.`, hint: 'Check that the endpoint honours max_tokens (and ignore_eos for vLLM and SGLang).' });
  }
  // An answer whose tokens all arrived in one read was buffered on the way (a proxy, or a server that does not
  // flush per token): its decode time is not observable here.
  const timed = decoding.filter((a) => a.decodeMs > 0);
  if (timed.length === 0) {
    throw new FoundryError({ code: 'FAILED_PRECONDITION', message: `${target.label} sent each answer's tokens all at once, so the time between tokens cannot be measured.`, hint: 'Measure the engine directly rather than through a proxy that buffers responses, and check that it streams token by token.' });
  }
  const usage = answers.every((a) => a.tokensFrom === 'usage' && a.promptTokens !== null);
  const mean = (xs: number[]) => xs.reduce((n, v) => n + v, 0) / xs.length;
  const outputTokens = answers.reduce((n, a) => n + a.outputTokens, 0);
  return {
    requests: answers.length,
    concurrency: Math.min(o.concurrency, o.requests),
    durationMs: round(durationMs),
    promptTokens: round(usage ? mean(answers.map((a) => a.promptTokens!)) : o.isl),
    outputTokens: round(outputTokens / answers.length),
    tokensFrom: usage ? 'usage' : 'estimate',
    ttftMs: distribution(answers.map((a) => a.ttftMs)),
    tpotMs: distribution(timed.map((a) => a.decodeMs / (a.outputTokens - 1))),
    outputTokensPerSec: round((outputTokens * 1000) / durationMs),
    sizing: used,
  };
}
