/** /v1/responses (OpenAI Responses API), text only: served by translating to and from chat. */
import { errorResponses, modelField, nullableInt, nullableNumber } from './common';

const textPart = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', enum: ['input_text', 'output_text', 'text'] }, text: { type: 'string' } },
};

const messageItem = {
  type: 'object',
  required: ['role', 'content'],
  properties: {
    type: { type: 'string', enum: ['message'] },
    role: { type: 'string', enum: ['user', 'assistant', 'system', 'developer'] },
    content: { anyOf: [{ type: 'string' }, { type: 'array', maxItems: 1024, items: textPart }] },
  },
};

export const responsesRequestSchema = {
  type: 'object',
  required: ['model', 'input'],
  properties: {
    model: modelField,
    input: { anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, maxItems: 4096, items: messageItem }] },
    instructions: { type: ['string', 'null'] },
    max_output_tokens: nullableInt(1),
    temperature: nullableNumber(0, 2),
    top_p: nullableNumber(0, 1),
    stream: { type: ['boolean', 'null'] },
    user: { type: 'string' },
    metadata: { type: ['object', 'null'] },
    store: { type: ['boolean', 'null'] },
    text: {
      type: 'object',
      properties: {
        format: {
          type: 'object',
          required: ['type'],
          properties: { type: { type: 'string', enum: ['text', 'json_object', 'json_schema'] }, name: { type: 'string' }, schema: { type: 'object' }, strict: { type: ['boolean', 'null'] } },
        },
      },
    },
    tools: { type: 'array', maxItems: 0, description: 'Not supported by this gateway (text only); must be absent or empty.' },
    previous_response_id: { type: 'null', description: 'Not supported: the gateway stores no responses.' },
  },
} as const;

const outputText = { type: 'object', properties: { type: { type: 'string', enum: ['output_text'] }, text: { type: 'string' }, annotations: { type: 'array' } } };

export const responseObjectSchema = {
  type: 'object',
  description: 'A response object, or with stream=true a text/event-stream of response.* events ending with response.completed.',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['response'] },
    created_at: { type: 'integer' },
    status: { type: 'string', enum: ['completed', 'incomplete', 'in_progress'] },
    model: { type: 'string' },
    output: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, id: { type: 'string' }, role: { type: 'string' }, status: { type: 'string' }, content: { type: 'array', items: outputText } } } },
    usage: { type: 'object', properties: { input_tokens: { type: 'integer' }, output_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } } },
  },
} as const;

export const responsesRouteSchema = {
  summary: 'Create a model response (text)',
  operationId: 'createResponse',
  tags: ['inference'],
  body: responsesRequestSchema,
  response: { 200: responseObjectSchema, ...errorResponses },
};
