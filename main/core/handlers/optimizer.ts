import type { HandlerTable } from './types';
import { signedIn } from './types';

type OptimizerHandlers = Pick<HandlerTable, 'optimizer:catalog' | 'optimizer:run' | 'optimizer:runs' | 'optimizer:get'>;

export const optimizerHandlers: OptimizerHandlers = {
  'optimizer:catalog': { run: ({ core }) => core.optimizer.catalog() },
  'optimizer:run': {
    run: (ctx, input) => ctx.core.optimizer.run(input, signedIn(ctx).username),
    audit: (input, run) => ({
      target: run.id,
      details: {
        model: input.model,
        clusters: input.clusters.map((c) => c.name),
        recommended: run.recommended ? `${run.recommended.cluster}/${run.recommended.gpu} tp${run.recommended.tp} pp${run.recommended.pp} ×${run.recommended.replicas}` : null,
      },
    }),
  },
  'optimizer:runs': { run: ({ core }, input) => core.optimizer.list(input.limit) },
  'optimizer:get': { run: ({ core }, input) => core.optimizer.get(input.runId) },
};
