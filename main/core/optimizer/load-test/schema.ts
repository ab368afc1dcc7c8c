import { z } from 'zod';
import { id } from '../../channels/spec';

const clients = z.number().int().positive().max(1024, 'more than 1,024 clients from one desktop measures the desktop, not the deployment');

/** What "Measure an endpoint" takes: which plan of which run, which registered endpoint, and how hard to push it. */
export const MeasureEndpointSchema = z
  .object({
    runId: id('runId'),
    /** The plan's position in the run's result.plans; without it, the run's recommended plan. */
    planIndex: z.number().int().min(0).optional(),
    /** An endpoint on the Models page (its id or name): the deployed plan's engine. */
    endpointId: id('endpointId'),
    /**
     * Measure through the Foundry gateway of this cluster (its id or name) instead of directly: the requests go by the
     * cluster's API server service proxy, like the Playground's, with `apiKey` (a key the desktop issued). The key
     * reaches the job and nothing else: it is never stored.
     */
    through: z
      .object({
        clusterId: id('clusterId'),
        apiKey: z.string().trim().min(1, 'give the gateway API key to call it with').max(4096),
      })
      .strict()
      .optional(),
    /**
     * Concurrent clients, each sending its next request when its last one ends; several values measure a sweep, one
     * level after another, each recorded as its own measurement (two levels of a sweep are what calibration needs).
     */
    concurrency: z.union([clients, z.array(clients).min(1, 'give at least one client count').max(8, 'at most 8 levels in one sweep')]),
    /** Requests at each level; default 4 per client, at least 16. */
    requests: z.number().int().positive().max(20_000, 'at most 20,000 requests in one measurement').optional(),
    /** Prompt and output tokens per request; default: the run's workload. */
    isl: z.number().int().min(16, 'prompts under 16 tokens are mostly the chat template').max(131_072).optional(),
    osl: z.number().int().min(2, 'at least 2 output tokens: TPOT is measured between tokens').max(16_384).optional(),
  })
  .strict();

export type MeasureEndpoint = z.output<typeof MeasureEndpointSchema>;

export const defaultRequests = (concurrency: number) => Math.max(16, concurrency * 4);

/** The sweep's levels: each client count once, lowest first. */
export const levelsOf = (concurrency: number | number[]) => [...new Set(Array.isArray(concurrency) ? concurrency : [concurrency])].sort((a, b) => a - b);
