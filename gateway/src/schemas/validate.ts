/**
 * Request-body validation for the inference routes, compiled once per schema and shared by both
 * entry points: fastify uses these functions as the routes' validatorCompiler, the fast path calls
 * the same function objects. They come from fastify's own compiler (@fastify/ajv-compiler: ajv +
 * ajv-formats with fastify's defaults) and the ajv options app.ts gives fastify, and failures read
 * as fastify words them ("body/messages must NOT have fewer than 1 items").
 */
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { GatewayError } from '../errors';

/** The gateway's ajv options (fastify's `ajv.customOptions` too): no coercion, defaults filled in. */
export const AJV_OPTIONS = { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false } as const;

interface ValidationIssue {
  instancePath?: string;
  message?: string;
}
export type BodyValidator = ((data: unknown) => boolean) & { errors?: FastifySchemaValidationError[] | null };

const build = AjvCompiler()({}, { customOptions: { ...AJV_OPTIONS } });
const compiled = new WeakMap<object, BodyValidator>();

export function bodyValidator(schema: object): BodyValidator {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = build({ schema, method: 'POST', url: '', httpPart: 'body' }) as unknown as BodyValidator;
    compiled.set(schema, fn);
  }
  return fn;
}

/** For fastify's route option: the inference routes validate with the functions above. */
export const sharedValidatorCompiler: FastifySchemaCompiler<object> = ({ schema }) => bodyValidator(schema);

/** fastify's default schemaErrorFormatter, for the fast path's failures. */
function formatIssues(issues: readonly ValidationIssue[], dataVar: string): string {
  let text = '';
  for (const e of issues) text += `${dataVar}${e.instancePath || ''} ${e.message}, `;
  return text.slice(0, -2);
}

/** The client's error for a body that fails its schema: the message fastify words, the field as `param`. */
export function validationError(issues: readonly ValidationIssue[], message = formatIssues(issues, 'body')): GatewayError {
  const path = issues[0]?.instancePath?.replace(/^\//, '').replace(/\//g, '.') || null;
  return new GatewayError('invalid_request', message || 'invalid request', { param: path ?? undefined });
}
