import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Sandbox } from '../../../e2e/sandbox/sandbox';
import { adminClient, eventually, startTestSandbox } from '../clusters/testing';
import type { KubeClient } from '../clusters/kube-client';

export interface SandboxFixture {
  /** The running kube-sandbox API server. */
  readonly sandbox: Sandbox;
  /** A client with the sandbox's admin credentials, for looking at (and tampering with) the cluster directly. */
  readonly kube: KubeClient;
}

/**
 * A real Kubernetes API server (kube-sandbox) for the file, started before its tests and stopped
 * after them all. With `cleanNamespace`, that namespace is deleted after each test and waited for,
 * so every test meets a cluster without it. Call it before the file's own hooks: those then run
 * with the sandbox up and, after each test, before the namespace goes. With `when: false` nothing starts.
 */
export function useSandbox(name: string, opts: { when: boolean; profile?: string; cleanNamespace?: string }): SandboxFixture {
  let started: Sandbox | undefined;
  let running: { sandbox: Sandbox; kube: KubeClient } | undefined;
  const current = () => {
    if (!running) throw new Error(`The sandbox "${name}" is not running: use it inside a test, after useSandbox's hooks (and with \`when\` true).`);
    return running;
  };
  beforeAll(async () => {
    if (!opts.when) return;
    started = await startTestSandbox(name, opts.profile);
    running = { sandbox: started, kube: await adminClient(started) };
  }, 120_000);
  afterAll(async () => {
    const ending = started;
    started = running = undefined;
    await ending?.stop();
  });
  const namespace = opts.cleanNamespace;
  if (namespace) {
    afterEach(async () => {
      if (!running) return;
      const { kube } = running;
      await kube.raw({ method: 'DELETE', path: `/api/v1/namespaces/${namespace}`, action: 'delete namespace' });
      await eventually(async () => (await kube.getOrNull(`/api/v1/namespaces/${namespace}`, 'read namespace')) === null, 60_000, 'namespace deletion');
    });
  }
  return {
    get sandbox() {
      return current().sandbox;
    },
    get kube() {
      return current().kube;
    },
  };
}
