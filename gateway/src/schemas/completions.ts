/** /v1/completions and /v1/embeddings. */
import { errorResponses, modelField, nullableInt, nullableNumber, stopSchema, streamOptionsSchema, usageSchema } from './common';

const promptSchema = { anyOf: [{ type: 'string' }, { type: 'array', maxItems: 2048, items: { anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'array', items: { type: 'integer' } }] } }] };

export const completionsRouteSchema = {
  summary: 'Create a text completion',
  operationId: 'createCompletion',
  tags: ['inference'],
  body: {
    type: 'object',
    required: ['model', 'prompt'],
    properties: {
      model: modelField,
      prompt: promptSchema,
      stream: { type: ['boolean', 'null'] },
      stream_options: streamOptionsSchema,
      max_tokens: nullableInt(1),
      temperature: nullableNumber(0, 2),
      top_p: nullableNumber(0, 1),
      n: nullableInt(1),
      stop: stopSchema,
      echo: { type: ['boolean', 'null'] },
      logprobs: nullableInt(0),
      seed: { type: ['integer', 'null'] },
      user: { type: 'string' },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        object: { type: 'string' },
        created: { type: 'integer' },
        model: { type: 'string' },
        choices: { type: 'array', items: { type: 'object', properties: { index: { type: 'integer' }, text: { type: 'string' }, finish_reason: { type: ['string', 'null'] } } } },
        usage: usageSchema,
      },
    },
    ...errorResponses,
  },
};

export const embeddingsRouteSchema = {
  summary: 'Create embeddings',
  operationId: 'createEmbedding',
  tags: ['inference'],
  body: {
    type: 'object',
    required: ['model', 'input'],
    properties: {
      model: modelField,
      input: promptSchema,
      encoding_format: { type: 'string', enum: ['float', 'base64'] },
      dimensions: { type: 'integer', minimum: 1 },
      user: { type: 'string' },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        object: { type: 'string' },
        data: { type: 'array', items: { type: 'object', properties: { object: { type: 'string' }, index: { type: 'integer' }, embedding: {} } } },
        model: { type: 'string' },
        usage: usageSchema,
      },
    },
    ...errorResponses,
  },
};

export const modelObjectSchema = {
  type: 'object',
  required: ['id', 'object', 'created', 'owned_by'],
  properties: { id: { type: 'string' }, object: { type: 'string' }, created: { type: 'integer' }, owned_by: { type: 'string' } },
} as const;
