/** /v1/models lists only the models this caller may use; others do not exist for them. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mayUseModel } from '../../auth/principal';
import { GatewayError } from '../../errors';
import { sendError } from '../../http/reply';
import { errorResponses } from '../../schemas/common';
import { modelObjectSchema } from '../../schemas/completions';

const modelObject = (id: string) => ({ id, object: 'model', created: 0, owned_by: 'foundry' });

export async function modelsRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/v1/models',
    { schema: { summary: 'List models', operationId: 'listModels', tags: ['models'], response: { 200: { type: 'object', properties: { object: { type: 'string' }, data: { type: 'array', items: modelObjectSchema } } }, ...errorResponses } } },
    async (req) => {
      const p = req.fdyPrincipal!;
      const data = [...req.fdyRuntime!.models.keys()].filter((m) => mayUseModel(p, m)).map(modelObject);
      return { object: 'list', data };
    },
  );
  app.get(
    '/v1/models/:model',
    { schema: { summary: 'Retrieve a model', operationId: 'retrieveModel', tags: ['models'], params: { type: 'object', properties: { model: { type: 'string' } } }, response: { 200: modelObjectSchema, ...errorResponses } } },
    async (req: FastifyRequest<{ Params: { model: string } }>, reply: FastifyReply) => {
      const id = req.params.model;
      if (!req.fdyRuntime!.models.has(id) || !mayUseModel(req.fdyPrincipal!, id)) {
        return sendError(reply, new GatewayError('model_not_found', `The model \`${id.slice(0, 256)}\` does not exist or you do not have access to it.`, { param: 'model' }));
      }
      return modelObject(id);
    },
  );
}
