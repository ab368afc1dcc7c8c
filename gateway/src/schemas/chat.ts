/** /v1/chat/completions. Unknown fields pass through to the upstream (vendor extensions). */
import { errorResponses, modelField, nullableInt, nullableNumber, stopSchema, streamOptionsSchema, usageSchema } from './common';

const contentSchema = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } } }, { type: 'null' }] };

const toolSchema = {
  type: 'object',
  required: ['type', 'function'],
  properties: {
    type: { type: 'string', enum: ['function'] },
    function: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1, maxLength: 64 }, description: { type: 'string' }, parameters: { type: 'object' }, strict: { type: ['boolean', 'null'] } } },
  },
};

export const chatRequestSchema = {
  type: 'object',
  required: ['model', 'messages'],
  properties: {
    model: modelField,
    messages: {
      type: 'array',
      minItems: 1,
      maxItems: 4096,
      items: {
        type: 'object',
        required: ['role'],
        properties: {
          role: { type: 'string', enum: ['system', 'developer', 'user', 'assistant', 'tool', 'function'] },
          content: contentSchema,
          name: { type: 'string' },
          tool_calls: { type: 'array' },
          tool_call_id: { type: 'string' },
        },
      },
    },
    stream: { type: ['boolean', 'null'] },
    stream_options: streamOptionsSchema,
    max_tokens: nullableInt(1),
    max_completion_tokens: nullableInt(1),
    temperature: nullableNumber(0, 2),
    top_p: nullableNumber(0, 1),
    n: nullableInt(1),
    stop: stopSchema,
    presence_penalty: nullableNumber(-2, 2),
    frequency_penalty: nullableNumber(-2, 2),
    seed: { type: ['integer', 'null'] },
    user: { type: 'string' },
    tools: { type: 'array', items: toolSchema, maxItems: 128 },
    tool_choice: { anyOf: [{ type: 'string', enum: ['none', 'auto', 'required'] }, { type: 'object', required: ['type'] }] },
    parallel_tool_calls: { type: 'boolean' },
    response_format: { type: 'object', required: ['type'], properties: { type: { type: 'string', enum: ['text', 'json_object', 'json_schema'] }, json_schema: { type: 'object' } } },
  },
} as const;

export const chatResponseSchema = {
  type: 'object',
  description: 'A chat.completion object, or with stream=true a text/event-stream of chat.completion.chunk events ending in `data: [DONE]`.',
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['chat.completion'] },
    created: { type: 'integer' },
    model: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          message: { type: 'object', properties: { role: { type: 'string' }, content: { type: ['string', 'null'] }, tool_calls: { type: 'array' } } },
          finish_reason: { type: ['string', 'null'] },
        },
      },
    },
    usage: usageSchema,
  },
} as const;

export const chatRouteSchema = {
  summary: 'Create a chat completion',
  operationId: 'createChatCompletion',
  tags: ['inference'],
  body: chatRequestSchema,
  response: { 200: chatResponseSchema, ...errorResponses },
};
