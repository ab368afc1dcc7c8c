/** /v1/images/generations and the signed image URLs the gateway serves. */
import { errorResponses, errorSchema, modelField } from './common';

export const imagesRouteSchema = {
  summary: 'Create images',
  description:
    'The image runtime renders; with response_format "url" (the default when an object store is configured) the gateway stores each image and answers with a time-limited signed URL that it serves itself at /files/images/{name}. With "b64_json" the images come back inline.',
  operationId: 'createImage',
  tags: ['images'],
  body: {
    type: 'object',
    required: ['model', 'prompt'],
    properties: {
      model: modelField,
      prompt: { type: 'string', minLength: 1, maxLength: 32_000 },
      n: { type: ['integer', 'null'], minimum: 1, maximum: 10 },
      size: { type: ['string', 'null'], maxLength: 32 },
      quality: { type: ['string', 'null'], maxLength: 32 },
      style: { type: ['string', 'null'], maxLength: 32 },
      response_format: { type: ['string', 'null'], enum: ['url', 'b64_json', null] },
      output_format: { type: ['string', 'null'], enum: ['png', 'jpeg', 'webp', null] },
      background: { type: ['string', 'null'], maxLength: 32 },
      seed: { type: ['integer', 'null'] },
      stream: { type: ['boolean', 'null'] },
      user: { type: 'string' },
    },
  },
  response: {
    200: {
      type: 'object',
      properties: {
        created: { type: 'integer' },
        data: { type: 'array', items: { type: 'object', properties: { url: { type: 'string' }, b64_json: { type: 'string' }, revised_prompt: { type: 'string' } } } },
        usage: { type: 'object', properties: { input_tokens: { type: 'integer' }, output_tokens: { type: 'integer' }, total_tokens: { type: 'integer' } } },
      },
    },
    ...errorResponses,
  },
};

export const signedImageRouteSchema = {
  summary: 'Fetch a generated image by its signed URL',
  description: 'No API key: the URL itself is the credential, valid until `expires` (Unix seconds). 403 when it expired or was altered.',
  operationId: 'getSignedImage',
  tags: ['images'],
  params: { type: 'object', properties: { name: { type: 'string' } } },
  // Strings on purpose: the app validates without type coercion.
  querystring: { type: 'object', properties: { expires: { type: 'string' }, signature: { type: 'string' } } },
  response: {
    200: { type: 'string', format: 'binary', description: 'image/png, image/jpeg or image/webp' },
    403: errorSchema,
    404: errorSchema,
    502: errorSchema,
  },
};
