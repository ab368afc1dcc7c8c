/**
 * The inference routes, declared once: path, operation, request schema, and how a validated body
 * becomes the pipeline's input. fastify registers them (for /openapi.json, and for requests the fast
 * path leaves to it) and the fast path (http/fast-path.ts) serves them from the same table, so both
 * front doors run one pipeline with one validator per route.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Exchange } from '../../http/exchange';
import type { Operation } from '../../providers/types';
import { responsesShape, toChatBody } from '../../responses/translate';
import { chatRouteSchema } from '../../schemas/chat';
import { completionsRouteSchema, embeddingsRouteSchema } from '../../schemas/completions';
import { responsesRouteSchema } from '../../schemas/responses';
import { bodyValidator, sharedValidatorCompiler, type BodyValidator } from '../../schemas/validate';
import type { Services } from '../../services';
import { serveInference, type InferenceInput } from './inference';

export interface InferenceRoute {
  path: string;
  schema: { body: object } & Record<string, unknown>;
  validate: BodyValidator;
  /** A validated body and its bytes → what the pipeline runs. */
  input(body: Record<string, unknown>, raw: Buffer): InferenceInput;
}

function direct(path: string, op: Operation, schema: InferenceRoute['schema']): InferenceRoute {
  return { path, schema, validate: bodyValidator(schema.body), input: (body, raw) => ({ op, routeLabel: path, body, raw, shape: null }) };
}

/** POST /v1/responses, text only: translated onto the chat path and back. */
const responses: InferenceRoute = {
  path: '/v1/responses',
  schema: responsesRouteSchema,
  validate: bodyValidator(responsesRouteSchema.body),
  input(r) {
    const body = toChatBody(r);
    return { op: 'chat', routeLabel: '/v1/responses', body, raw: Buffer.from(JSON.stringify(body)), shape: responsesShape(r) };
  },
};

export const INFERENCE_ROUTES: readonly InferenceRoute[] = [
  direct('/v1/chat/completions', 'chat', chatRouteSchema),
  direct('/v1/completions', 'completions', completionsRouteSchema),
  direct('/v1/embeddings', 'embeddings', embeddingsRouteSchema),
  responses,
];

/**
 * Hands a fastify request to the shared pipeline, which writes the raw response from here on (as
 * it does on the fast path). Call it last, once nothing before it can throw.
 */
export function exchangeOf(req: FastifyRequest, reply: FastifyReply): Exchange {
  reply.hijack();
  return { t0: req.fdyT0, runtime: req.fdyRuntime!, principal: req.fdyPrincipal!, headers: req.headers, res: reply.raw };
}

export async function inferenceRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const svc = opts.services;
  for (const route of INFERENCE_ROUTES) {
    app.post(route.path, { schema: route.schema, validatorCompiler: sharedValidatorCompiler }, (req: FastifyRequest, reply: FastifyReply) => {
      const input = route.input(req.body as Record<string, unknown>, req.rawBody!);
      return serveInference(exchangeOf(req, reply), svc, input);
    });
  }
}
