import { invalid } from '../errors';
import type { ChatMessage } from './types';

/**
 * The endpoint the user typed (untrusted): an http(s) origin, optionally with a path prefix
 * (a port-forward or a reverse proxy). A trailing "/v1" is dropped, since users paste the
 * OpenAI-style base URL as often as the gateway's root and the routes add "/v1" themselves.
 */
export function normaliseBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid(`"${raw.slice(0, 200)}" is not a URL.`, 'Type the gateway address, e.g. http://127.0.0.1:8080.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`The gateway URL must use http or https, not ${url.protocol.replace(/:$/, '')}.`, 'Type the gateway address, e.g. http://127.0.0.1:8080.');
  }
  if (url.username || url.password) {
    throw invalid('The gateway URL must not carry a user name or password.', 'Put the API key in the API key field; it is kept in memory only.');
  }
  if (url.search || url.hash) throw invalid('The gateway URL must not have a query or fragment.', 'Type only the address, e.g. http://127.0.0.1:8080.');
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${url.origin}${path}`;
}

export interface ChatBody {
  model: string;
  messages: ChatMessage[];
  stream: true;
  stream_options: { include_usage: true };
  temperature?: number;
  max_tokens?: number;
}

export function chatBody(input: { model: string; messages: ChatMessage[]; temperature?: number; maxTokens?: number }): ChatBody {
  const body: ChatBody = { model: input.model, messages: input.messages, stream: true, stream_options: { include_usage: true } };
  if (input.temperature !== undefined) body.temperature = input.temperature;
  if (input.maxTokens !== undefined) body.max_tokens = input.maxTokens;
  return body;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The request as a shell command; the key stays in the shell's $FOUNDRY_API_KEY, never in the text.
 * A cluster's gateway is reached the way a user would from a terminal: a port-forward to its Service.
 */
export function curlCommand(target: { kind: 'url'; baseUrl: string } | { kind: 'cluster'; context: string; namespace: string }, body: ChatBody): string {
  if (target.kind === 'cluster') {
    const forward = `kubectl --context ${shellQuote(target.context)} -n ${shellQuote(target.namespace)} port-forward svc/foundry-gateway 8080:http &`;
    return `${forward}\n${curlLines('http://127.0.0.1:8080', body)}`;
  }
  return curlLines(target.baseUrl, body);
}

function curlLines(baseUrl: string, body: ChatBody): string {
  return [
    `curl -N ${shellQuote(`${baseUrl}/v1/chat/completions`)}`,
    `  -H "Authorization: Bearer $FOUNDRY_API_KEY"`,
    `  -H "Content-Type: application/json"`,
    `  -d ${shellQuote(JSON.stringify(body))}`,
  ].join(' \\\n');
}
