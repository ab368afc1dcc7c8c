/**
 * The shared thin handler behind chat, completions and embeddings: resolve the model the caller
 * may use, admit against limits, hand over to the proxy.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mayUseModel } from '../../auth/principal';
import { GatewayError } from '../../errors';
import { sendError } from '../../http/reply';
import { continueTrace } from '../../observability/trace';
import type { Operation } from '../../providers/types';
import { forward } from '../../proxy/forward';
import type { Call } from '../../proxy/types';
import type { Services } from '../../services';

const NEVER = new AbortController().signal;

export function inferenceHandler(op: Operation, routeLabel: string, svc: Services) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const rt = req.fdyRuntime!;
    const principal = req.fdyPrincipal!;
    const body = req.body as Record<string, unknown>;
    const model = body.model as string;
    const route = rt.models.get(model);
    if (!route || !mayUseModel(principal, model)) {
      svc.metrics.error('model_not_found');
      return sendError(reply, new GatewayError('model_not_found', `The model \`${model.slice(0, 256)}\` does not exist or you do not have access to it.`, { param: 'model' }));
    }
    if (!route.targets[0]!.provider.supports(op)) {
      return sendError(reply, new GatewayError('invalid_request', `The model \`${model}\` does not support ${routeLabel}.`, { param: 'model' }));
    }
    let admission = rt.limiter.admit(principal, model);
    if (admission instanceof Promise) {
      try {
        admission = await admission;
      } catch {
        // A limits backend outage must not take inference down with it: fail open, loudly.
        svc.metrics.error('internal_error');
        admission = { plan: rt.limiter.plan(principal, model), headers: [] };
      }
    }
    if (admission instanceof GatewayError) {
      svc.metrics.error(admission.code);
      svc.metrics.request(routeLabel, model, principal.project, 429);
      return sendError(reply, admission, (admission as GatewayError & { headers?: string[] }).headers);
    }
    const res = reply.raw;
    const stream = body.stream === true && op !== 'embeddings';
    // Only streams watch for a vanishing client: a unary answer is bounded by its timeout anyway,
    // and skipping the AbortController and listener matters at tens of thousands of requests/s.
    let gone = NEVER;
    if (stream) {
      const ac = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) ac.abort();
      });
      gone = ac.signal;
    }
    const call: Call = {
      runtime: rt,
      route,
      op,
      routeLabel,
      principal,
      admission,
      trace: continueTrace(req.headers.traceparent),
      body,
      raw: req.rawBody!,
      stream,
      clientWantsUsage: (body.stream_options as { include_usage?: boolean } | null | undefined)?.include_usage === true,
      t0: req.fdyT0,
      res,
      clientGone: gone,
    };
    await forward(call, reply, svc);
    return reply;
  };
}
