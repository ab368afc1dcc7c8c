import { test as base } from '@playwright/test';
import * as k8s from '@kubernetes/client-node';
import { findSandboxBinary, startSandbox, type Sandbox } from './sandbox';

/**
 * Playwright's way to ask for a cluster: `import { test } from '../sandbox/playwright-fixture'` and take
 * `sandbox` (a real kube-sandbox, one per worker, started only by tests that ask for it) and `kube`
 * (a client-node KubeConfig for it). Without a built binary the test is skipped, except in CI.
 */
export const test = base.extend<{ kube: k8s.KubeConfig }, { sandbox: Sandbox }>({
  sandbox: [
    async ({}, use, workerInfo) => {
      const binary = await findSandboxBinary();
      if (!binary && process.env.CI !== 'true') {
        base.skip(true, 'kube-sandbox is not built (npm run sandbox:build)');
        return;
      }
      const sandbox = await startSandbox({ profile: 'mixed', name: `pw-${workerInfo.workerIndex}`, build: process.env.CI === 'true' });
      try {
        await use(sandbox);
      } finally {
        await sandbox.stop();
      }
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  kube: async ({ sandbox }, use) => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigPath);
    await use(kc);
  },
});

export { expect } from '@playwright/test';
