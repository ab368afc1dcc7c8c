/**
 * The endpoint editor's state and its mapping to the channels' inputs. The core is the judge of
 * validity (URL shape, Azure fields, keys the cloud kinds need); the form shows its field errors
 * next to the fields they name, and only repeats the name rule so the button can say no early.
 */
import type { Endpoint, EndpointKind } from '../../../main/core/endpoints/types';
import type { ChannelInput } from '../../../main/core/channels';
import type { ClientError } from '../../client';
import { byTopField, fieldErrors } from '../../components/field-errors';
import { limitInput, limitValue, type LimitValue } from '../../components/limits';

export const KINDS: { value: EndpointKind; label: string; hint: string }[] = [
  { value: 'openai_compatible', label: 'OpenAI-compatible', hint: 'vLLM, SGLang, llama.cpp server, any private endpoint with its own key' },
  { value: 'openai', label: 'OpenAI', hint: 'api.openai.com or a proxy in front of it' },
  { value: 'azure', label: 'Azure OpenAI', hint: 'a deployment in an Azure OpenAI resource' },
  { value: 'anthropic', label: 'Anthropic', hint: 'the Messages API, translated to and from the chat shape by the gateway' },
];
export const kindLabel = (k: EndpointKind) => KINDS.find((x) => x.value === k)!.label;

// The channel's rule, in the channel's words (main/core/endpoints/validate.ts ENDPOINT_NAME_RULE).
export const NAME_RULE = 'Use 1–128 letters, digits and . _ : / -, starting with a letter or digit, e.g. "gpt-4o" or "llama-70b-private".';
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** What each kind's fields are called and what goes in them. */
export const FIELD_HELP: Record<EndpointKind, { baseUrl: string; placeholder: string; model: string; modelPlaceholder: string; version?: string; versionPlaceholder?: string }> = {
  openai_compatible: { baseUrl: 'The API root the server answers /chat/completions under; a bare host means /v1.', placeholder: 'http://vllm.models.svc:8000/v1', model: 'The model name the server serves (vLLM: --served-model-name).', modelPlaceholder: 'meta-llama/Llama-3.1-70B-Instruct' },
  openai: { baseUrl: 'Leave empty for https://api.openai.com/v1.', placeholder: 'https://api.openai.com/v1', model: 'The OpenAI model to call.', modelPlaceholder: 'gpt-4o' },
  azure: {
    baseUrl: 'The resource URL, without /openai/deployments/….',
    placeholder: 'https://my-resource.openai.azure.com',
    model: 'The deployment name, as in Azure AI Foundry (not the model name).',
    modelPlaceholder: 'gpt4o-prod',
    version: 'Required: the data-plane api-version.',
    versionPlaceholder: '2024-10-21',
  },
  anthropic: { baseUrl: 'Leave empty for https://api.anthropic.com/v1.', placeholder: 'https://api.anthropic.com/v1', model: 'The Claude model to call.', modelPlaceholder: 'claude-sonnet-4-5', version: 'anthropic-version header; empty means 2023-06-01.', versionPlaceholder: '2023-06-01' },
};

export interface EndpointForm {
  name: string;
  kind: EndpointKind;
  baseUrl: string;
  upstreamModel: string;
  apiVersion: string;
  /** Write-only: empty keeps the stored key. */
  apiKey: string;
  clearApiKey: boolean;
  /** A new PEM CA bundle (pasted or loaded from a file); empty keeps the stored one. */
  caBundle: string;
  clearCaBundle: boolean;
  allProjects: boolean;
  projectIds: string[];
  fallbackId: string | null;
  /** The model's limits, shared by every caller; empty: no limit. */
  requestsPerMinute: LimitValue;
  tokensPerMinute: LimitValue;
}

export function emptyForm(): EndpointForm {
  return { name: '', kind: 'openai_compatible', baseUrl: '', upstreamModel: '', apiVersion: '', apiKey: '', clearApiKey: false, caBundle: '', clearCaBundle: false, allProjects: true, projectIds: [], fallbackId: null, requestsPerMinute: '', tokensPerMinute: '' };
}

export function formFromEndpoint(e: Endpoint): EndpointForm {
  return {
    name: e.name,
    kind: e.kind,
    baseUrl: e.baseUrl,
    upstreamModel: e.upstreamModel,
    apiVersion: e.apiVersion ?? '',
    apiKey: '',
    clearApiKey: false,
    caBundle: '',
    clearCaBundle: false,
    allProjects: e.projects === null,
    projectIds: e.projects?.map((p) => p.id) ?? [],
    fallbackId: e.fallback?.id ?? null,
    requestsPerMinute: limitValue(e.requestsPerMinute),
    tokensPerMinute: limitValue(e.tokensPerMinute),
  };
}

const hasVersion = (k: EndpointKind) => k === 'azure' || k === 'anthropic';

export function createInput(f: EndpointForm): ChannelInput<'endpoints:create'> {
  return {
    name: f.name.trim(),
    kind: f.kind,
    ...(f.baseUrl.trim() ? { baseUrl: f.baseUrl.trim() } : {}),
    ...(f.upstreamModel.trim() ? { upstreamModel: f.upstreamModel.trim() } : {}),
    ...(hasVersion(f.kind) && f.apiVersion.trim() ? { apiVersion: f.apiVersion.trim() } : {}),
    ...(f.apiKey.trim() ? { apiKey: f.apiKey } : {}),
    ...(f.caBundle.trim() ? { caBundle: f.caBundle } : {}),
    projectIds: f.allProjects ? null : f.projectIds,
    fallbackId: f.fallbackId,
    ...(limitInput(f.requestsPerMinute) !== null ? { requestsPerMinute: limitInput(f.requestsPerMinute) } : {}),
    ...(limitInput(f.tokensPerMinute) !== null ? { tokensPerMinute: limitInput(f.tokensPerMinute) } : {}),
  };
}

/** Every field is sent, so what the form shows is what is saved; the key only when one was typed. */
export function updateInput(id: string, f: EndpointForm): ChannelInput<'endpoints:update'> {
  return {
    endpointId: id,
    name: f.name.trim(),
    kind: f.kind,
    baseUrl: f.baseUrl.trim() || (f.kind === 'openai' || f.kind === 'anthropic' ? undefined : f.baseUrl),
    upstreamModel: f.upstreamModel.trim(),
    apiVersion: hasVersion(f.kind) ? f.apiVersion.trim() || null : null,
    ...(f.apiKey.trim() ? { apiKey: f.apiKey } : {}),
    ...(f.clearApiKey && !f.apiKey.trim() ? { clearApiKey: true } : {}),
    ...(f.caBundle.trim() ? { caBundle: f.caBundle } : f.clearCaBundle ? { caBundle: null } : {}),
    projectIds: f.allProjects ? null : f.projectIds,
    fallbackId: f.fallbackId,
    requestsPerMinute: limitInput(f.requestsPerMinute),
    tokensPerMinute: limitInput(f.tokensPerMinute),
  };
}

/** The channel's field issues ({path, message}) keyed by the form field (the path's first segment). */
export const endpointFieldErrors = (error: ClientError | null): Record<string, string> => fieldErrors(error, byTopField);
