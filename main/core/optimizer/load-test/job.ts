import { Agent } from 'undici';
import { FoundryError } from '../../errors';
import { createEndpointStore, type EndpointRow } from '../../endpoints/store';
import { httpFailure, networkFailure } from '../../endpoints/probe-errors';
import type { JobType } from '../../jobs/types';
import type { Db } from '../../store/db';
import type { Vault } from '../../vault/vault';
import { createMeasurements, type OptimizerMeasurement } from '../measurements';
import { probeSizing, runLoadTest, type LoadTarget, type LoadTestResult } from './run';
import { defaultRequests } from './schema';

/**
 * "Measure an endpoint": a job that load-tests an endpoint registered on the Models page (the deployed plan's
 * engine, reached directly) and records what it measured against a plan of an optimizer run, where it is compared
 * with the prediction and can calibrate later runs. The job's input names the endpoint, never its key: the key is
 * read from the vault when the job runs, so no secret reaches the jobs table.
 */

export const MEASURE_ENDPOINT_JOB = 'optimizer.measure-endpoint';

export interface MeasureEndpointInput {
  runId: string;
  planIndex: number;
  endpointId: string;
  /** For the job's title. */
  endpointName: string;
  /** Client counts, lowest first: one measurement each. */
  levels: number[];
  /** Requests at each level; default defaultRequests(level). */
  requests?: number;
  isl: number;
  osl: number;
  /** Who asked: the measurements are recorded in their name. */
  actor: string;
}

export interface MeasureEndpointResult {
  /** One per level, lowest first. */
  measurements: OptimizerMeasurement[];
  tests: LoadTestResult[];
}

/** Only engines that speak OpenAI's chat completions can be measured this way. */
export const MEASURABLE_KINDS: readonly EndpointRow['kind'][] = ['openai_compatible', 'openai'];

const AGENT_TIMEOUTS = { headersTimeout: 120_000, bodyTimeout: 120_000 };

async function loadTarget(row: EndpointRow, vault: Vault): Promise<{ target: LoadTarget; close(): Promise<void> }> {
  const key = row.key_secret_id ? (await vault.get(row.key_secret_id)).toString('utf8') : null;
  const url = `${row.base_url.replace(/\/+$/, '')}/chat/completions`;
  // Connections for every client at once: a pool smaller than the concurrency would queue requests in the desktop.
  const dispatcher = new Agent({ connect: { timeout: 10_000, ...(row.ca_bundle ? { ca: row.ca_bundle } : {}) }, ...AGENT_TIMEOUTS });
  const shown = `POST ${url}`;
  const toError = (f: { message: string; hint: string }) => new FoundryError({ code: 'FAILED_PRECONDITION', message: f.message, hint: f.hint });
  return {
    target: {
      url,
      headers: key ? { authorization: `Bearer ${key}` } : {},
      dispatcher,
      label: `endpoint "${row.name}"`,
      model: row.upstream_model,
      ignoreEos: row.kind === 'openai_compatible',
      apiKey: key,
      failure: (status, body) => toError(httpFailure(row.kind, status, body, key, shown)),
      unreachable: (err) => toError(networkFailure(err, url, row.ca_bundle !== null)),
    },
    close: () => dispatcher.close(),
  };
}

const requestsAt = (i: Pick<MeasureEndpointInput, 'requests'>, concurrency: number) => i.requests ?? defaultRequests(concurrency);

export function measureEndpointJob({ db, vault }: { db: Db; vault: Vault }): JobType<MeasureEndpointInput, MeasureEndpointResult> {
  const endpoints = createEndpointStore(db);
  const measurements = createMeasurements(db);
  return {
    type: MEASURE_ENDPOINT_JOB,
    title: (i) => `Measure ${i.endpointName}: ${i.levels.length === 1 ? `${requestsAt(i, i.levels[0]!)} requests, ${i.levels[0]} clients` : `${i.levels.join(', ')} clients`}`,
    resumable: false,
    // One more step per level as it starts: "Measure at 16 clients".
    steps: ['Size the prompts'],
    async run(ctx) {
      const i = ctx.input;
      const row = endpoints.get(i.endpointId);
      if (!row) throw new FoundryError({ code: 'NOT_FOUND', message: `Endpoint "${i.endpointName}" was removed before it could be measured.`, hint: 'Add it again on the Models page.' });
      const { target, close } = await loadTarget(row, vault);
      const total = i.levels.reduce((n, c) => n + requestsAt(i, c), 0);
      const result: MeasureEndpointResult = { measurements: [], tests: [] };
      let sent = 0;
      try {
        ctx.step('Size the prompts');
        const sizing = await probeSizing(target, ctx.signal);
        if (sizing) ctx.log(`The server counts ${sizing.tokensPerWord.toFixed(2)} tokens per word and adds ${Math.round(sizing.overheadTokens)} to each prompt.`);
        else ctx.log('The server reports no token usage: prompt lengths are estimated at 1.3 tokens per word, and output tokens counted from the stream.', 'warn');

        for (const [n, concurrency] of i.levels.entries()) {
          ctx.step(`Measure at ${concurrency} clients`);
          const requests = requestsAt(i, concurrency);
          const level = i.levels.length === 1 ? '' : `${concurrency} clients: `;
          let test: LoadTestResult;
          try {
            test = await runLoadTest(target, sizing, {
              concurrency,
              requests,
              isl: i.isl,
              osl: i.osl,
              signal: ctx.signal,
              seed: 42 + n,
              onProgress: (done) => ctx.progress(((sent + done) / total) * 0.98, `${level}${done} of ${requests} requests`),
            });
          } catch (err) {
            if (ctx.signal.aborted || !(err instanceof FoundryError)) throw err;
            // The levels already measured stay recorded: they are complete measurements of their own.
            const kept = result.measurements.map((m) => m.measured.concurrency).join(', ');
            const where = i.levels.length === 1 ? '' : `At ${concurrency} clients: `;
            const outcome = kept ? `The levels before it (${kept} clients) are recorded.` : 'Nothing was recorded.';
            throw new FoundryError({ code: err.code, message: `${where}${err.message} ${outcome}`, hint: err.hint, details: err.details });
          }
          sent += requests;
          ctx.log(
            `${level}${test.requests} requests in ${(test.durationMs / 1000).toFixed(1)} s: TTFT mean ${test.ttftMs.mean.toFixed(1)} ms (p99 ${test.ttftMs.p99.toFixed(1)}), ` +
              `TPOT mean ${test.tpotMs.mean.toFixed(2)} ms (p99 ${test.tpotMs.p99.toFixed(2)}), ${test.outputTokensPerSec.toFixed(0)} output tokens/s; ` +
              `${test.promptTokens.toFixed(0)} prompt and ${test.outputTokens.toFixed(0)} output tokens per request.`,
          );
          result.tests.push(test);
          result.measurements.push(
            measurements.record(
              {
                runId: i.runId,
                planIndex: i.planIndex,
                concurrency: test.concurrency,
                isl: Math.max(1, Math.round(test.promptTokens)),
                osl: Math.max(1, Math.round(test.outputTokens)),
                ttftMs: test.ttftMs.mean,
                tpotMs: test.tpotMs.mean,
                outputTokensPerSec: test.outputTokensPerSec,
                note: `Foundry load test of ${row.name}: ${test.requests} requests, ${test.concurrency} clients${test.tokensFrom === 'estimate' ? ', prompt tokens estimated' : ''}`.slice(0, 200),
              },
              i.actor,
            ),
          );
        }
        return result;
      } finally {
        await close();
      }
    },
  };
}
