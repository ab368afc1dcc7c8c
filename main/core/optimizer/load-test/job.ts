import { FoundryError } from '../../errors';
import type { ClusterService } from '../../clusters/service';
import { createEndpointStore, type EndpointRow } from '../../endpoints/store';
import type { JobType } from '../../jobs/types';
import type { Db } from '../../store/db';
import type { Vault } from '../../vault/vault';
import { createMeasurements, type OptimizerMeasurement } from '../measurements';
import { probeSizing, runLoadTest, type LoadTestResult } from './run';
import { directTarget, gatewayTarget } from './targets';
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
  /**
   * Through this cluster's Foundry gateway (its API server service proxy) rather than directly; the gateway's model
   * is the endpoint's name. The key to call it with is the job's secret `gatewayApiKey`, never part of this input.
   */
  through?: { clusterId: string; clusterName: string };
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
  /** Through a gateway: the median round trip of the path to it, taken off each recorded TTFT. */
  pathMs?: number;
}

/** The job's secret holding the gateway key of a measurement `through` a cluster's gateway. */
export const GATEWAY_KEY_SECRET = 'gatewayApiKey';

/** Only engines that speak OpenAI's chat completions can be measured this way. */
export const MEASURABLE_KINDS: readonly EndpointRow['kind'][] = ['openai_compatible', 'openai'];

const requestsAt = (i: Pick<MeasureEndpointInput, 'requests'>, concurrency: number) => i.requests ?? defaultRequests(concurrency);

export function measureEndpointJob({ db, vault, clusters }: { db: Db; vault: Vault; clusters: ClusterService }): JobType<MeasureEndpointInput, MeasureEndpointResult> {
  const endpoints = createEndpointStore(db);
  const measurements = createMeasurements(db);
  return {
    type: MEASURE_ENDPOINT_JOB,
    title: (i) => `Measure ${i.endpointName}${i.through ? ` through the gateway in ${i.through.clusterName}` : ''}: ${i.levels.length === 1 ? `${requestsAt(i, i.levels[0]!)} requests, ${i.levels[0]} clients` : `${i.levels.join(', ')} clients`}`,
    resumable: false,
    // Steps are added as they start, in order: through a gateway "Time the path to the gateway" first (it also
    // checks that the gateway serves the endpoint to the key), then "Size the prompts", then "Measure at N clients".
    steps: [],
    async run(ctx) {
      const i = ctx.input;
      const row = endpoints.get(i.endpointId);
      if (!row) throw new FoundryError({ code: 'NOT_FOUND', message: `Endpoint "${i.endpointName}" was removed before it could be measured.`, hint: 'Add it again on the Models page.' });
      const key = ctx.secrets[GATEWAY_KEY_SECRET];
      if (i.through && !key) {
        // Only a job started in this process holds its key; one recovered after a restart never gets this far.
        throw new FoundryError({ code: 'FAILED_PRECONDITION', message: 'The gateway API key for this measurement is gone: it is held in memory only, for the job that was given it.', hint: 'Start the measurement again.' });
      }
      const { target, pathRoundTrip, close } = i.through ? await gatewayTarget(row, clusters, i.through.clusterId, key!) : await directTarget(row, vault);
      const total = i.levels.reduce((n, c) => n + requestsAt(i, c), 0);
      const result: MeasureEndpointResult = { measurements: [], tests: [] };
      let sent = 0;
      let pathMs = 0;
      try {
        if (pathRoundTrip) {
          ctx.step('Time the path to the gateway');
          pathMs = Math.round((await pathRoundTrip(ctx.signal)) * 1000) / 1000;
          result.pathMs = pathMs;
          ctx.log(`The path to ${target.label} takes ${pathMs.toFixed(1)} ms there and back (median of 5 /v1/models calls, which the gateway answers itself); it is taken off each recorded TTFT, which is then the gateway's and the engine's.`);
        }
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
                // The round trip to the gateway is Foundry's way in, not the deployment's: what a client beside it would see.
                ttftMs: Math.max(0.001, test.ttftMs.mean - pathMs),
                tpotMs: test.tpotMs.mean,
                outputTokensPerSec: test.outputTokensPerSec,
                note: `Foundry load test of ${row.name}${i.through ? ` through the gateway in ${i.through.clusterName} (TTFT less its ${pathMs.toFixed(1)} ms path)` : ''}: ${test.requests} requests, ${test.concurrency} clients${test.tokensFrom === 'estimate' ? ', prompt tokens estimated' : ''}`.slice(0, 200),
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
