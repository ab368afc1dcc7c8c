import { FoundryError, invalid } from '../../errors';
import type { User } from '../../access/users';
import type { CoreServices } from '../../services';
import { loadRun, planOf } from '../measurements';
import { MEASURABLE_KINDS, type MeasureEndpointInput } from './job';
import { levelsOf, type MeasureEndpoint } from './schema';
import { clusterWithGateway } from '../../playground/targets';

/**
 * Checks a "Measure an endpoint" request before its job starts, so a wrong run, plan or endpoint is refused at
 * once, beside its field, rather than as a failed job a minute later.
 */
export function measureEndpointInput(core: Pick<CoreServices, 'db' | 'endpoints' | 'clusters'>, input: MeasureEndpoint, user: User): MeasureEndpointInput {
  const run = loadRun(core.db, input.runId);
  const { planIndex } = planOf(run.result, input.planIndex);
  const endpoint = core.endpoints.resolve(input.endpointId, user);
  if (!MEASURABLE_KINDS.includes(endpoint.kind)) {
    throw new FoundryError({
      code: 'INVALID_INPUT',
      message: `Endpoint "${endpoint.name}" is ${endpoint.kind === 'azure' ? 'Azure OpenAI' : 'Anthropic'}: Foundry measures engines that serve OpenAI-compatible chat completions (vLLM, SGLang, llama.cpp).`,
      hint: 'Add the deployment itself as an OpenAI-compatible endpoint on the Models page, and measure that.',
      details: [{ path: ['endpointId'], message: 'is not an OpenAI-compatible endpoint' }],
    });
  }
  const levels = levelsOf(input.concurrency);
  const most = levels.at(-1)!;
  if (input.requests !== undefined && input.requests < most) {
    throw invalid(`${input.requests} requests cannot keep ${most} clients busy.`, 'Send at least one request per client; four or more per client measure a steady state.', [{ path: ['requests'], message: `must be at least the largest concurrency (${most})` }]);
  }
  let through: MeasureEndpointInput['through'];
  if (input.through) {
    const cluster = clusterWithGateway(core.clusters, input.through.clusterId, endpoint.name);
    through = { clusterId: cluster.id, clusterName: cluster.name };
  }
  return {
    runId: input.runId,
    planIndex,
    endpointId: endpoint.id,
    endpointName: endpoint.name,
    ...(through ? { through } : {}),
    levels,
    ...(input.requests === undefined ? {} : { requests: input.requests }),
    isl: input.isl ?? run.request.workload.isl,
    osl: input.osl ?? run.request.workload.osl,
    actor: user.username,
  };
}
