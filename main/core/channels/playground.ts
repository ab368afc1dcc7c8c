import { z } from 'zod';
import type { ChatStarted, PlaygroundGateway, PlaygroundModel } from '../playground/types';
import { channel, empty, id, returns } from './spec';

// The Playground's endpoint: a URL typed in, or an imported cluster's gateway. The key is typed in for
// the session and never stored, logged or audited.
const endpoint = {
  baseUrl: z.string().min(1, 'is required').max(2048).optional(),
  clusterId: id('clusterId').optional(),
  apiKey: z.string().min(1, 'is required').max(512),
};
const oneEndpoint = (v: { baseUrl?: string; clusterId?: string }) => (v.baseUrl === undefined) !== (v.clusterId === undefined);
const oneEndpointMessage = { message: 'name either baseUrl (a gateway URL) or clusterId (a cluster whose gateway Foundry installed), not both', path: ['baseUrl'] };
const chatMessage = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(200_000) }).strict();

export const PLAYGROUND_CHANNELS = {
  // Not `mutates`: chatting changes nothing Foundry keeps, and auditing would copy prompts into the chain.
  'playground:gateways': channel({
    input: empty,
    output: returns<PlaygroundGateway[]>(),
    access: 'playground:use',
    mutates: false,
    summary: 'The imported clusters whose gateway the Playground can reach through the API server.',
  }),
  'playground:models': channel({
    input: z.object(endpoint).strict().refine(oneEndpoint, oneEndpointMessage),
    output: returns<PlaygroundModel[]>(),
    access: 'playground:use',
    mutates: false,
    summary: "The models a gateway endpoint offers to this API key (its /v1/models).",
  }),
  'playground:chat': channel({
    input: z
      .object({
        ...endpoint,
        model: z.string().min(1, 'pick a model').max(256),
        messages: z.array(chatMessage).min(1, 'needs at least one message').max(200),
        temperature: z.number().min(0).max(2).optional(),
        maxTokens: z.number().int().min(1).max(131_072).optional(),
      })
      .strict()
      .refine(oneEndpoint, oneEndpointMessage),
    output: returns<ChatStarted>(),
    access: 'playground:use',
    mutates: false,
    summary: 'Start a streaming chat answer; text and stats arrive as playground events to this session.',
  }),
  'playground:cancel': channel({
    input: z.object({ requestId: id('requestId') }).strict(),
    output: returns<{ cancelled: boolean }>(),
    access: 'playground:use',
    mutates: false,
    summary: 'Stop a streaming Playground answer this session started.',
  }),
};
