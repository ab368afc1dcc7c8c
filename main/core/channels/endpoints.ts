import { z } from 'zod';
import type { Endpoint, EndpointTestResult } from '../endpoints/types';
import { ENDPOINT_KINDS } from '../endpoints/types';
import { apiKeySchema, endpointName } from '../endpoints/validate';
import { requestsPerMinute, tokensPerMinute } from '../access/limits';
import { channel, empty, id, returns } from './spec';

// Kind-specific rules (URL shape, Azure deployment and api-version, keys the cloud kinds need) are
// checked in the service, which reports every problem by field at once.
const kind = z.enum(ENDPOINT_KINDS, { message: `must be one of ${ENDPOINT_KINDS.join(', ')}` });
const baseUrl = z.string().min(1, 'is required').max(2048, 'use at most 2048 characters');
const upstreamModel = z.string().min(1, 'is required').max(256, 'use at most 256 characters');
const apiVersion = z.string().max(64, 'use at most 64 characters').nullable();
const projectIds = z.array(id('projectId')).min(1, 'name at least one project, or null for every project').max(1000).nullable();
const fallbackId = id('fallbackId').nullable();
// The PEM itself is checked in the service (gateway/src/config/ca-bundle.ts); here only its size.
const caBundle = z.string().min(1, 'is empty; paste the PEM CA bundle, or send null for the system roots').max(512 * 1024, 'is larger than 512 KiB; give only the CA certificates the endpoint needs').nullable();

export const ENDPOINT_CHANNELS = {
  'endpoints:list': channel({
    input: empty,
    output: returns<Endpoint[]>(),
    access: 'model:view',
    mutates: false,
    summary: 'Cloud APIs and private endpoints the gateways serve (keys are never returned).',
  }),
  'endpoints:get': channel({
    input: z.object({ endpointId: id('endpointId') }).strict(),
    output: returns<Endpoint>(),
    access: 'model:view',
    mutates: false,
    summary: 'One endpoint.',
  }),
  'endpoints:create': channel({
    input: z
      .object({ name: endpointName, kind, baseUrl: baseUrl.optional(), upstreamModel: upstreamModel.optional(), apiVersion: apiVersion.optional(), apiKey: apiKeySchema.optional(), caBundle: caBundle.optional(), projectIds: projectIds.optional(), fallbackId: fallbackId.optional(), requestsPerMinute: requestsPerMinute.optional(), tokensPerMinute: tokensPerMinute.optional() })
      .strict(),
    output: returns<Endpoint>(),
    access: 'model:manage',
    mutates: true,
    summary: 'Register an endpoint (OpenAI, Azure OpenAI, Anthropic or any OpenAI-compatible server) that every gateway serves under its name; its key is sealed in the vault. requestsPerMinute/tokensPerMinute limit the model for all callers together.',
  }),
  'endpoints:update': channel({
    input: z
      .object({
        endpointId: id('endpointId'),
        name: endpointName.optional(),
        kind: kind.optional(),
        baseUrl: baseUrl.optional(),
        upstreamModel: upstreamModel.optional(),
        apiVersion: apiVersion.optional(),
        apiKey: apiKeySchema.optional(),
        clearApiKey: z.boolean().optional(),
        caBundle: caBundle.optional(),
        projectIds: projectIds.optional(),
        fallbackId: fallbackId.optional(),
        requestsPerMinute: requestsPerMinute.optional(),
        tokensPerMinute: tokensPerMinute.optional(),
      })
      .strict(),
    output: returns<Endpoint>(),
    access: 'model:manage',
    mutates: true,
    summary: 'Change an endpoint; a new apiKey or caBundle replaces the stored one, an absent one keeps it (caBundle null removes it; requestsPerMinute/tokensPerMinute null remove the limit).',
  }),
  'endpoints:remove': channel({
    input: z.object({ endpointId: id('endpointId'), confirmName: z.string().max(200) }).strict(),
    output: returns<Endpoint>(),
    access: 'model:manage',
    mutates: true,
    summary: 'Remove an endpoint no other endpoint falls back to (type its name to confirm); its key is deleted from the vault.',
  }),
  // Not `mutates`: a probe changes nothing the gateways see; its result is kept only as the endpoint's last test.
  'endpoints:test': channel({
    input: z.object({ endpointId: id('endpointId') }).strict(),
    output: returns<EndpointTestResult>(),
    access: 'model:view',
    mutates: false,
    summary: 'Call the upstream with the stored key: latency, the models it offers, or why it failed.',
  }),
};
