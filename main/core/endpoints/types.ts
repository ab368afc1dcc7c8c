/**
 * Endpoints: models Foundry does not run itself — a cloud API (OpenAI, Azure OpenAI, Anthropic) or a
 * private OpenAI-compatible server (vLLM, SGLang, llama.cpp, anything with its own key) — that every
 * cluster's gateway serves under the endpoint's name.
 */

export const ENDPOINT_KINDS = ['openai_compatible', 'openai', 'azure', 'anthropic'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

export interface ProjectRef {
  id: string;
  name: string;
}

/** What went wrong when the desktop called the upstream, in words a user can act on. */
export type ProbeFailure = 'unreachable' | 'timeout' | 'tls' | 'unauthorized' | 'not_found' | 'rate_limited' | 'bad_request' | 'upstream_error' | 'bad_response';

export interface EndpointTestResult {
  ok: boolean;
  at: string;
  /** Wall time of the probe request, connect included; null when no answer came. */
  latencyMs: number | null;
  /** What was called, e.g. "GET https://api.openai.com/v1/models" (never the key). */
  probe: string;
  /** HTTP status, when there was an answer. */
  status: number | null;
  /** Models the upstream offers (its model list, or the deployment that answered the 1-token request). */
  models: string[];
  /** Whether the endpoint's upstream model is among them; null when the upstream gave no list. */
  upstreamModelListed: boolean | null;
  /** A caveat on a success (e.g. the model list does not name the upstream model). */
  note: string | null;
  error: { kind: ProbeFailure; message: string; hint: string } | null;
}

/** One certificate of an endpoint's CA bundle, as shown (the PEM itself is not returned). */
export interface EndpointCaCertificate {
  subject: string;
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
}

export interface Endpoint {
  id: string;
  /** The model name clients send to the gateway. */
  name: string;
  kind: EndpointKind;
  baseUrl: string;
  /** The model (Azure: the deployment) the upstream is asked for. */
  upstreamModel: string;
  /** Azure api-version, Anthropic anthropic-version; null for the others. */
  apiVersion: string | null;
  /** Whether an API key is stored (it is never returned). */
  keySet: boolean;
  keyUpdatedAt: string | null;
  /** The CA bundle trusted for this endpoint's TLS (a private CA); null: the system roots. */
  caCertificates: EndpointCaCertificate[] | null;
  /** null: every project may use it. Otherwise the projects the caller can see among those allowed. */
  projects: ProjectRef[] | null;
  /** Allowed projects the caller cannot see (0 when open to all). */
  hiddenProjectCount: number;
  fallback: { id: string; name: string } | null;
  /** The gateway's limits for this model, shared by every caller; null: no limit. */
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  /** Endpoints that fall back to this one. */
  fallbackFor: { id: string; name: string }[];
  lastTest: EndpointTestResult | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface EndpointInput {
  name: string;
  kind: EndpointKind;
  baseUrl?: string;
  upstreamModel?: string;
  apiVersion?: string | null;
  apiKey?: string;
  /** PEM CA bundle for an https endpoint behind a private CA; absent or null: the system roots. */
  caBundle?: string | null;
  /** Absent or null: every project. */
  projectIds?: string[] | null;
  fallbackId?: string | null;
  /** Absent or null: no limit (on update, absent keeps the current value). */
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
}

export interface EndpointPatch {
  name?: string;
  kind?: EndpointKind;
  baseUrl?: string;
  upstreamModel?: string;
  apiVersion?: string | null;
  /** A new key replaces the stored one; absent keeps it. */
  apiKey?: string;
  /** Removes the stored key (not allowed for the cloud kinds, which need one). */
  clearApiKey?: boolean;
  /** A new PEM bundle replaces the stored one; null removes it; absent keeps it. */
  caBundle?: string | null;
  projectIds?: string[] | null;
  fallbackId?: string | null;
  /** Absent or null: no limit (on update, absent keeps the current value). */
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
}
