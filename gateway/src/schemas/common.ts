/** Shared JSON Schemas. Route schemas are the single source for validation and /openapi.json. */
export const errorSchema = {
  $id: 'OpenAIError',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type', 'code'],
      properties: { message: { type: 'string' }, type: { type: 'string' }, param: { type: ['string', 'null'] }, code: { type: 'string' } },
    },
  },
} as const;

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  404: errorSchema,
  413: errorSchema,
  429: errorSchema,
  500: errorSchema,
  502: errorSchema,
  503: errorSchema,
  504: errorSchema,
} as const;

export const usageSchema = {
  type: 'object',
  properties: { prompt_tokens: { type: 'integer' }, completion_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } },
} as const;

export const nullableNumber = (min: number, max?: number) => ({ type: ['number', 'null'], minimum: min, ...(max === undefined ? {} : { maximum: max }) });
export const nullableInt = (min: number) => ({ type: ['integer', 'null'], minimum: min });
export const stopSchema = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 16 }, { type: 'null' }] };
export const streamOptionsSchema = { type: ['object', 'null'], properties: { include_usage: { type: 'boolean' } } };
export const modelField = { type: 'string', minLength: 1, maxLength: 256 } as const;
