import { X509Certificate } from 'node:crypto';
import { loadYaml } from '@kubernetes/client-node';
import { invalid } from '../errors';

/**
 * Reads kubeconfig text (untrusted input: pasted in the UI or read by the CLI) into the contexts it
 * offers, and cuts out one context as a self-contained, minified kubeconfig for the vault. Nothing
 * here touches the disk or the network: file references are refused rather than read, because the
 * text may come from another user's window and a path would let it read this machine's files.
 */

export type AuthKind = 'client-certificate' | 'token' | 'basic';

export interface KubeconfigContext {
  /** The context's name in the kubeconfig. */
  context: string;
  cluster: string;
  user: string;
  namespace: string | null;
  server: string;
  /** SHA-256 fingerprint of the certificate authority in the kubeconfig, or null when the system's roots are used. */
  caFingerprint: string | null;
  authKind: AuthKind | null;
  /** A display name derived from the context name that Foundry accepts. */
  suggestedName: string;
  /** Why this context cannot be imported and what to do about it; null when it can be. */
  problem: Problem | null;
}

export interface Problem {
  message: string;
  hint: string;
}

export interface ParsedKubeconfig {
  contexts: KubeconfigContext[];
  currentContext: string | null;
  raw: RawKubeconfig;
}

type Entry = { name?: unknown; [key: string]: unknown };
interface RawKubeconfig {
  clusters: Entry[];
  users: Entry[];
  contexts: Entry[];
  'current-context'?: unknown;
}

const FLATTEN_HINT = 'Export a self-contained kubeconfig with `kubectl config view --minify --flatten --context NAME` and paste that.';
export const SUPPORTED_AUTH = 'client certificates, bearer tokens and basic auth written in the kubeconfig';
export const CLUSTER_NAME_PATTERN = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/i;

const AUTH_HINT =
  'Use a service-account token or a client certificate for now; EKS and AKS onboarding, where Foundry mints tokens itself, is planned.';
const problem = (message: string, hint: string): Problem => ({ message, hint });

const asRecord = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const asList = (v: unknown): Entry[] => (Array.isArray(v) ? v.filter((e): e is Entry => asRecord(e) !== null) : []);
const byName = (list: Entry[], name: string) => list.find((e) => e.name === name);

/** Parses kubeconfig text. Throws INVALID_INPUT when it is not YAML, not a kubeconfig, or has no contexts. */
export function parseKubeconfig(text: string): ParsedKubeconfig {
  if (!text.trim()) throw invalid('The kubeconfig is empty.', FLATTEN_HINT);
  let doc: unknown;
  try {
    doc = loadYaml<unknown>(text);
  } catch (err) {
    // js-yaml's message quotes the offending lines, which may hold a key or token: report only where and what.
    const e = err as { reason?: string; mark?: { line?: number; column?: number } };
    const where = e.mark?.line !== undefined ? ` at line ${e.mark.line + 1}, column ${(e.mark.column ?? 0) + 1}` : '';
    throw invalid(`The kubeconfig is not valid YAML${where}${e.reason ? ` (${e.reason})` : ''}.`, `Paste the whole file, as kubectl writes it. ${FLATTEN_HINT}`);
  }
  const root = asRecord(doc);
  if (!root || (!('contexts' in root) && !('clusters' in root))) {
    throw invalid(
      'The text is YAML but not a kubeconfig: it has no "contexts" or "clusters".',
      'A kubeconfig is the file kubectl uses (usually ~/.kube/config). ' + FLATTEN_HINT,
    );
  }
  const raw: RawKubeconfig = {
    clusters: asList(root.clusters),
    users: asList(root.users),
    contexts: asList(root.contexts),
    'current-context': root['current-context'],
  };
  if (raw.contexts.length === 0) {
    throw invalid('The kubeconfig has no contexts.', 'Each cluster Foundry imports is a context (a cluster with a user). ' + FLATTEN_HINT);
  }
  const contexts = raw.contexts.map((entry, i) => describeContext(raw, entry, i));
  const current = typeof raw['current-context'] === 'string' ? raw['current-context'] : null;
  return { contexts, currentContext: current, raw };
}

function describeContext(raw: RawKubeconfig, entry: Entry, index: number): KubeconfigContext {
  const name = typeof entry.name === 'string' && entry.name ? entry.name : `contexts[${index}]`;
  const ctx = asRecord(entry.context) ?? {};
  const clusterName = typeof ctx.cluster === 'string' ? ctx.cluster : '';
  const userName = typeof ctx.user === 'string' ? ctx.user : '';
  const clusterEntry = byName(raw.clusters, clusterName);
  const userEntry = byName(raw.users, userName);
  const cluster = asRecord(clusterEntry?.cluster) ?? {};
  const user = asRecord(userEntry?.user) ?? {};
  const server = typeof cluster.server === 'string' ? cluster.server.replace(/\/$/, '') : '';
  const ca = caFingerprint(cluster['certificate-authority-data']);

  const issue =
    (typeof entry.name !== 'string' || !entry.name ? problem(`contexts[${index}] has no name.`, FLATTEN_HINT) : null) ??
    (!clusterEntry ? problem(`Context "${name}" names cluster "${clusterName}", which the kubeconfig does not define.`, FLATTEN_HINT) : null) ??
    (!userEntry ? problem(`Context "${name}" names user "${userName}", which the kubeconfig does not define.`, FLATTEN_HINT) : null) ??
    clusterProblem(name, cluster, server, ca) ??
    userProblem(name, userName, user);

  return {
    context: name,
    cluster: clusterName,
    user: userName,
    namespace: typeof ctx.namespace === 'string' ? ctx.namespace : null,
    server,
    caFingerprint: ca.ok ? ca.fingerprint : null,
    authKind: authKindOf(user),
    suggestedName: suggestName(name),
    problem: issue,
  };
}

function clusterProblem(context: string, cluster: Record<string, unknown>, server: string, ca: CaResult): Problem | null {
  if (!server) return problem(`The cluster of context "${context}" has no server address.`, FLATTEN_HINT);
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return problem(`The server address of context "${context}" is not a URL.`, FLATTEN_HINT);
  }
  if (url.protocol !== 'https:') {
    return problem(`Context "${context}" uses ${url.protocol.replace(':', '')}://; Foundry talks to API servers over https only.`, 'Use the https address of the API server.');
  }
  if (cluster['insecure-skip-tls-verify'] === true) {
    return problem(
      `Context "${context}" turns off TLS verification (insecure-skip-tls-verify); Foundry does not send credentials to a server it cannot verify.`,
      "Put the cluster's CA certificate in certificate-authority-data instead.",
    );
  }
  if (typeof cluster['certificate-authority'] === 'string') return problem(`The cluster of context "${context}" refers to a certificate file (certificate-authority).`, FLATTEN_HINT);
  if (!ca.ok) return problem(`The certificate-authority-data of context "${context}" is not a base64-encoded PEM certificate.`, FLATTEN_HINT);
  return null;
}

function userProblem(context: string, userName: string, user: Record<string, unknown>): Problem | null {
  const who = `User "${userName}" of context "${context}"`;
  if (user.exec) {
    const command = asRecord(user.exec)?.command;
    return problem(`${who} gets its credentials from an exec plugin${typeof command === 'string' ? ` (${command})` : ''}, which this version does not run. It supports ${SUPPORTED_AUTH}.`, AUTH_HINT);
  }
  if (user['auth-provider']) {
    return problem(`${who} uses an auth-provider plugin (removed from Kubernetes). This version supports ${SUPPORTED_AUTH}.`, AUTH_HINT);
  }
  for (const key of ['client-certificate', 'client-key', 'token-file']) {
    if (typeof user[key] === 'string') return problem(`${who} refers to a file (${key}).`, FLATTEN_HINT);
  }
  const hasCert = typeof user['client-certificate-data'] === 'string';
  const hasKey = typeof user['client-key-data'] === 'string';
  if (hasCert !== hasKey) return problem(`${who} has a client certificate without its key, or a key without its certificate.`, FLATTEN_HINT);
  if (!authKindOf(user)) return problem(`${who} has no credentials. This version supports ${SUPPORTED_AUTH}.`, AUTH_HINT);
  return null;
}

function authKindOf(user: Record<string, unknown>): AuthKind | null {
  if (typeof user['client-certificate-data'] === 'string' && typeof user['client-key-data'] === 'string') return 'client-certificate';
  if (typeof user.token === 'string' && user.token) return 'token';
  if (typeof user.username === 'string' && typeof user.password === 'string') return 'basic';
  return null;
}

type CaResult = { ok: true; fingerprint: string | null } | { ok: false };

function caFingerprint(data: unknown): CaResult {
  if (data === undefined || data === null || data === '') return { ok: true, fingerprint: null };
  if (typeof data !== 'string') return { ok: false };
  try {
    return { ok: true, fingerprint: new X509Certificate(Buffer.from(data, 'base64')).fingerprint256 };
  } catch {
    return { ok: false };
  }
}

/** Context names like EKS ARNs ("arn:aws:eks:…:cluster/prod") become "prod"; anything else is made DNS-friendly. */
export function suggestName(context: string): string {
  const tail = context.includes('/') ? context.slice(context.lastIndexOf('/') + 1) : context;
  const cleaned = tail.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '').slice(0, 63).replace(/[^A-Za-z0-9]+$/, '');
  return cleaned || 'cluster';
}

/**
 * One context as a self-contained kubeconfig (JSON, which is YAML): just its cluster, its user and
 * itself, named as in the source. Throws INVALID_INPUT for an unknown context or one with a problem.
 */
export function minifyContext(parsed: ParsedKubeconfig, context: string): string {
  const found = parsed.contexts.find((c) => c.context === context);
  if (!found) {
    const names = parsed.contexts.map((c) => c.context);
    throw invalid(
      `The kubeconfig has no context named "${context}".`,
      `It has ${names.length === 1 ? 'one context' : `${names.length} contexts`}: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}.`,
    );
  }
  if (found.problem) throw invalid(found.problem.message, found.problem.hint);
  const contextEntry = byName(parsed.raw.contexts, context)!;
  const clusterEntry = byName(parsed.raw.clusters, found.cluster)!;
  const userEntry = byName(parsed.raw.users, found.user)!;
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: found.cluster, cluster: clusterEntry.cluster }],
    users: [{ name: found.user, user: userEntry.user }],
    contexts: [{ name: context, context: contextEntry.context }],
    'current-context': context,
  });
}
