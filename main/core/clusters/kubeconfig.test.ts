import { beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority } from '../pki/certificates';
import { minifyContext, parseKubeconfig, suggestName } from './kubeconfig';

let caData: string;
let caFingerprint: string;
beforeAll(async () => {
  const ca = await createCertificateAuthority('test-cluster-ca');
  caData = Buffer.from(ca.certPem).toString('base64');
  caFingerprint = new X509Certificate(ca.certPem).fingerprint256;
});

const user = (name: string, body: Record<string, unknown>) => ({ name, user: body });
const cluster = (name: string, body: Record<string, unknown>) => ({ name, cluster: body });
const context = (name: string, c: string, u: string) => ({ name, context: { cluster: c, user: u } });

function kubeconfig(parts: { clusters?: unknown[]; users?: unknown[]; contexts?: unknown[]; current?: string }) {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: parts.clusters ?? [], users: parts.users ?? [], contexts: parts.contexts ?? [], 'current-context': parts.current });
}

const good = () =>
  kubeconfig({
    clusters: [cluster('prod', { server: 'https://10.0.0.1:6443/', 'certificate-authority-data': caData }), cluster('edge', { server: 'https://edge.example:443' })],
    users: [user('admin', { 'client-certificate-data': 'Y2VydA==', 'client-key-data': 'a2V5' }), user('bot', { token: 'secret-token-value' })],
    contexts: [context('prod-admin', 'prod', 'admin'), context('arn:aws:eks:us-east-1:123456789012:cluster/edge', 'edge', 'bot')],
    current: 'prod-admin',
  });

describe('reading a kubeconfig', () => {
  it('lists each context with its server, CA fingerprint, auth kind and a usable name', () => {
    const parsed = parseKubeconfig(good());
    expect(parsed.currentContext).toBe('prod-admin');
    expect(parsed.contexts).toEqual([
      expect.objectContaining({ context: 'prod-admin', server: 'https://10.0.0.1:6443', caFingerprint, authKind: 'client-certificate', suggestedName: 'prod-admin', problem: null }),
      expect.objectContaining({ server: 'https://edge.example:443', caFingerprint: null, authKind: 'token', suggestedName: 'edge', problem: null }),
    ]);
  });

  it('accepts the YAML kubectl writes', () => {
    const yaml = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${caData}
users:
- name: u
  user:
    token: abc
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: team-a}
current-context: ctx
`;
    expect(parseKubeconfig(yaml).contexts[0]).toMatchObject({ context: 'ctx', namespace: 'team-a', caFingerprint, authKind: 'token' });
  });

  it('rejects text that is not YAML, without echoing it', () => {
    const secretish = 'users:\n  - name: x\n    user: {token: "sk-live-123\n  bad: [';
    const err = (() => {
      try {
        parseKubeconfig(secretish);
      } catch (e) {
        return e as { code: string; message: string; hint: string };
      }
    })();
    expect(err).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/not valid YAML at line \d+/) });
    expect(err!.message).not.toContain('sk-live-123');
    expect(err!.hint).toContain('kubectl config view --minify --flatten');
  });

  it('rejects YAML that is not a kubeconfig, and a kubeconfig without contexts', () => {
    expect(() => parseKubeconfig('hello: world\n')).toThrow(/not a kubeconfig/);
    expect(() => parseKubeconfig('- just\n- a list\n')).toThrow(/not a kubeconfig/);
    expect(() => parseKubeconfig(kubeconfig({ clusters: [cluster('c', { server: 'https://x' })] }))).toThrow(/has no contexts/);
    expect(() => parseKubeconfig('   ')).toThrow(/empty/);
  });

  it('marks contexts that cannot be imported, saying why and what is supported', () => {
    const text = kubeconfig({
      clusters: [
        cluster('ok', { server: 'https://ok:6443' }),
        cluster('insecure', { server: 'https://i:6443', 'insecure-skip-tls-verify': true }),
        cluster('plain', { server: 'http://p:8080' }),
        cluster('cafile', { server: 'https://f:6443', 'certificate-authority': '/etc/ca.pem' }),
        cluster('badca', { server: 'https://b:6443', 'certificate-authority-data': 'bm90IGEgY2VydA==' }),
      ],
      users: [
        user('eks', { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token'] } }),
        user('gcp', { 'auth-provider': { name: 'gcp' } }),
        user('tokenfile', { 'token-file': '/var/run/token' }),
        user('halfcert', { 'client-certificate-data': 'Y2VydA==' }),
        user('nothing', {}),
        user('good', { token: 't' }),
      ],
      contexts: [
        context('exec', 'ok', 'eks'),
        context('authprovider', 'ok', 'gcp'),
        context('tokenfile', 'ok', 'tokenfile'),
        context('halfcert', 'ok', 'halfcert'),
        context('nocreds', 'ok', 'nothing'),
        context('insecure', 'insecure', 'good'),
        context('plain', 'plain', 'good'),
        context('cafile', 'cafile', 'good'),
        context('badca', 'badca', 'good'),
        context('ghost-cluster', 'missing', 'good'),
        context('ghost-user', 'ok', 'missing'),
      ],
    });
    const problems = Object.fromEntries(parseKubeconfig(text).contexts.map((c) => [c.context, c.problem]));
    expect(problems.exec).toMatchObject({ message: expect.stringMatching(/exec plugin \(aws\).*supports client certificates, bearer tokens and basic auth/), hint: expect.stringMatching(/EKS and AKS/) });
    expect(problems.authprovider!.message).toMatch(/auth-provider/);
    expect(problems.tokenfile).toMatchObject({ message: expect.stringContaining('refers to a file (token-file)'), hint: expect.stringContaining('--flatten') });
    expect(problems.halfcert!.message).toMatch(/without its key/);
    expect(problems.nocreds!.message).toMatch(/no credentials/);
    expect(problems.insecure!.message).toMatch(/insecure-skip-tls-verify/);
    expect(problems.plain!.message).toMatch(/https only/);
    expect(problems.cafile!.message).toMatch(/certificate file/);
    expect(problems.badca!.message).toMatch(/not a base64-encoded PEM certificate/);
    expect(problems['ghost-cluster']!.message).toMatch(/names cluster "missing"/);
    expect(problems['ghost-user']!.message).toMatch(/names user "missing"/);
  });
});

describe('cutting out one context', () => {
  it('keeps only that context, its cluster and its user', () => {
    const parsed = parseKubeconfig(good());
    const mini = JSON.parse(minifyContext(parsed, 'prod-admin')) as Record<string, unknown[]>;
    expect(mini.contexts).toEqual([{ name: 'prod-admin', context: { cluster: 'prod', user: 'admin' } }]);
    expect(mini.clusters).toHaveLength(1);
    expect(mini.users).toEqual([user('admin', { 'client-certificate-data': 'Y2VydA==', 'client-key-data': 'a2V5' })]);
    expect(JSON.stringify(mini)).not.toContain('secret-token-value');
    expect(mini['current-context']).toBe('prod-admin');
  });

  it('names the contexts there are when asked for one that is not', () => {
    expect(() => minifyContext(parseKubeconfig(good()), 'staging')).toThrow(/no context named "staging"/);
    try {
      minifyContext(parseKubeconfig(good()), 'staging');
    } catch (e) {
      expect((e as { hint: string }).hint).toContain('prod-admin');
    }
  });

  it('refuses a context with a problem, with its hint', () => {
    const text = kubeconfig({ clusters: [cluster('c', { server: 'https://c' })], users: [user('u', { exec: { command: 'kubelogin' } })], contexts: [context('x', 'c', 'u')] });
    expect(() => minifyContext(parseKubeconfig(text), 'x')).toThrow(/exec plugin \(kubelogin\)/);
  });
});

describe('suggested cluster names', () => {
  it('takes the tail of an ARN and makes anything else DNS-friendly', () => {
    expect(suggestName('arn:aws:eks:eu-west-1:1234:cluster/payments-prod')).toBe('payments-prod');
    expect(suggestName('gke_my-project_europe-west4_main')).toBe('gke_my-project_europe-west4_main');
    expect(suggestName('kubernetes-admin@kubernetes')).toBe('kubernetes-admin-kubernetes');
    expect(suggestName('@@@')).toBe('cluster');
  });
});
