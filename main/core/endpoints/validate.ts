/**
 * The rules an endpoint's connection fields must meet before anything is stored or sent to a
 * cluster. What passes here is what the gateway's provider code expects (gateway/src/providers):
 * OpenAI-style kinds append /chat/completions to the base URL, Azure appends
 * /openai/deployments/<deployment>/... with ?api-version=, Anthropic appends /messages. The base
 * URL is written into every cluster's ConfigMap in clear, so it may carry no credentials.
 */
import { z } from 'zod';
import { checkCaBundle } from '../../../gateway/src/config/index';
import { invalid } from '../errors';
import type { EndpointKind } from './types';

export interface FieldIssue {
  path: string[];
  message: string;
}

/** The gateway's own model-name rule (gateway/src/config/schema.ts `name`). */
export const ENDPOINT_NAME_RULE = 'use 1–128 letters, digits and . _ : / -, starting with a letter or digit, e.g. "gpt-4o" or "llama-70b-private"';
export const endpointName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, ENDPOINT_NAME_RULE);

/**
 * Keys travel in an HTTP header: printable ASCII without spaces, so a pasted newline or a stray
 * character can never split a header. Surrounding whitespace (a copied line break) is trimmed.
 */
export const apiKeySchema = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'is empty; paste the key, or leave the field out to keep the stored one')
      .max(4096, 'is longer than 4096 characters; paste only the key')
      .regex(/^[\x21-\x7e]+$/, 'may contain only printable ASCII characters without spaces; paste only the key'),
  );

export const DEFAULT_BASE_URL: Partial<Record<EndpointKind, string>> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
};
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';
/** The Azure OpenAI GA data-plane version suggested in forms; any dated version is accepted. */
export const SUGGESTED_AZURE_API_VERSION = '2024-10-21';

export const CLOUD_KINDS: readonly EndpointKind[] = ['openai', 'azure', 'anthropic'];
export const needsKey = (kind: EndpointKind) => CLOUD_KINDS.includes(kind);

export interface ConnectionFields {
  kind: EndpointKind;
  baseUrl: string;
  upstreamModel: string;
  apiVersion: string | null;
  /** A new CA bundle, checked and normalised (certificate blocks only); null when none was given. */
  caBundle: string | null;
}

/**
 * A CA bundle arriving with a create or update: the gateway's own check (PEM, CA certificates only,
 * no private key), plus dates, since a bundle that has expired can never be trusted. The text is
 * never echoed in the message, only the certificate's subject.
 */
function checkNewCaBundle(text: string, issues: FieldIssue[]): string | null {
  const r = checkCaBundle(text, Date.now());
  if (r.ok) return r.pem;
  issues.push({ path: ['caBundle'], message: r.error });
  return null;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
const AZURE_DEPLOYMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DATED_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

function checkBaseUrl(kind: EndpointKind, raw: string, issues: FieldIssue[]): string {
  const issue = (message: string) => {
    issues.push({ path: ['baseUrl'], message });
    return raw;
  };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return issue(`"${raw.slice(0, 200)}" is not a URL; type it like ${kind === 'azure' ? 'https://my-resource.openai.azure.com' : 'http://vllm.models.svc:8000/v1'}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return issue(`must use http or https, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username || url.password) {
    return issue('must not carry a user name or password: the URL is written into every cluster\'s gateway ConfigMap in clear. Put the key in the API key field');
  }
  if (url.hash) return issue('must not have a #fragment');
  if (url.search) {
    return issue(kind === 'azure' ? 'must not have a query; give the api-version in its own field' : 'must not have a query (?…): a key in the URL would be written into the ConfigMap in clear');
  }
  if (url.protocol === 'http:' && kind !== 'openai_compatible' && !LOOPBACK.test(url.hostname)) {
    return issue(`must use https: ${kind === 'azure' ? 'Azure OpenAI' : kind === 'openai' ? 'OpenAI' : 'Anthropic'} would receive the API key over plain http`);
  }
  let path = url.pathname.replace(/\/+$/, '');
  if (kind === 'azure') {
    const deployment = /\/openai\/deployments\/([^/]+)/.exec(path);
    if (deployment) {
      return issue(`is a deployment URL; give the resource URL ${url.origin}${path.slice(0, deployment.index)} and put "${decodeURIComponent(deployment[1]!)}" in the deployment field`);
    }
    if (/\/openai$/.test(path)) return issue(`must be the resource URL without /openai, e.g. ${url.origin}${path.replace(/\/openai$/, '')}`);
  } else {
    const tail = /\/(chat\/completions|completions|messages|models|embeddings)$/.exec(path);
    if (tail) return issue(`ends in /${tail[1]}; give the API root instead, e.g. ${url.origin}${path.slice(0, tail.index)}`);
    // vLLM, SGLang, llama.cpp, OpenAI and Anthropic all serve under /v1; a bare host means that.
    if (path === '') path = '/v1';
  }
  return `${url.origin}${path}`;
}

function checkUpstreamModel(kind: EndpointKind, model: string, issues: FieldIssue[]): void {
  if (kind === 'azure') {
    if (!AZURE_DEPLOYMENT.test(model)) issues.push({ path: ['upstreamModel'], message: 'is the Azure deployment name: 1–64 letters, digits, dots, dashes or underscores' });
  } else if (!/^[^\s\x00-\x1f\x7f]{1,256}$/.test(model)) {
    issues.push({ path: ['upstreamModel'], message: 'must be 1–256 characters without spaces, as the upstream names the model (e.g. "gpt-4o", "meta-llama/Llama-3.1-70B-Instruct")' });
  }
}

function checkApiVersion(kind: EndpointKind, version: string | null, issues: FieldIssue[]): string | null {
  const issue = (message: string) => issues.push({ path: ['apiVersion'], message });
  if (kind === 'azure') {
    if (!version) issue(`is required for Azure OpenAI, e.g. "${SUGGESTED_AZURE_API_VERSION}"`);
    else if (!DATED_VERSION.test(version)) issue(`must be an Azure api-version like "${SUGGESTED_AZURE_API_VERSION}" or "2025-01-01-preview"`);
    return version;
  }
  if (kind === 'anthropic') {
    if (version && !/^\d{4}-\d{2}-\d{2}$/.test(version)) issue(`must be an anthropic-version date like "${DEFAULT_ANTHROPIC_VERSION}"`);
    return version || DEFAULT_ANTHROPIC_VERSION;
  }
  if (version) issue('applies only to Azure OpenAI (api-version) and Anthropic (anthropic-version); leave it empty');
  return null;
}

/** Normalises and checks the fields that decide where requests go; throws INVALID_INPUT listing every problem. */
export function checkConnection(
  input: { kind: EndpointKind; baseUrl?: string; upstreamModel: string; apiVersion?: string | null; caBundle?: string | null; keptCaBundle?: boolean },
  extra: FieldIssue[] = [],
): ConnectionFields {
  const issues = [...extra];
  const rawBase = input.baseUrl?.trim() || DEFAULT_BASE_URL[input.kind];
  let baseUrl = '';
  if (!rawBase) issues.push({ path: ['baseUrl'], message: input.kind === 'azure' ? 'is required: the resource URL, e.g. https://my-resource.openai.azure.com' : 'is required, e.g. http://vllm.models.svc:8000/v1' });
  else baseUrl = checkBaseUrl(input.kind, rawBase, issues);
  const upstreamModel = input.upstreamModel.trim();
  checkUpstreamModel(input.kind, upstreamModel, issues);
  const apiVersion = checkApiVersion(input.kind, input.apiVersion?.trim() || null, issues);
  const caBundle = input.caBundle ? checkNewCaBundle(input.caBundle, issues) : null;
  if ((input.caBundle || input.keptCaBundle) && baseUrl && !baseUrl.startsWith('https:')) {
    issues.push({ path: ['caBundle'], message: `applies only to https endpoints; ${baseUrl} is plain http. Use the https address, or remove the CA bundle` });
  }
  if (issues.length) throw endpointInvalid(issues);
  return { kind: input.kind, baseUrl, upstreamModel, apiVersion, caBundle };
}

export function endpointInvalid(issues: FieldIssue[]) {
  return invalid(`The endpoint is not valid: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, 'Fix the fields named above; nothing was saved.', issues);
}
