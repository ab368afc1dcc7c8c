import { keychainHealth } from '../vault/keychain';
import { SCHEMA_VERSION } from '../store/db';
import type { HandlerTable } from './types';
import { signedIn } from './types';
import { VAULT_ROTATE_JOB } from '../vault/rotate-job';

type SystemHandlers = Pick<
  HandlerTable,
  'audit:list' | 'audit:verify' | 'audit:head' | 'jobs:list' | 'jobs:get' | 'jobs:cancel' | 'vault:status' | 'vault:init' | 'vault:rotate' | 'system:info'
>;

export const systemHandlers: SystemHandlers = {
  'audit:list': { run: ({ core }, input) => core.audit.list(input) },
  'audit:verify': { run: ({ core }) => core.audit.verify() },
  'audit:head': { run: ({ core }) => ({ ...core.audit.head(), at: new Date().toISOString() }) },

  'jobs:list': { run: ({ core }, input) => core.jobs.list(input) },
  'jobs:get': { run: ({ core }, input) => ({ job: core.jobs.get(input.jobId), logs: core.jobs.logs(input.jobId, input.afterLogSeq) }) },
  'jobs:cancel': {
    run: ({ core }, input) => core.jobs.cancel(input.jobId),
    audit: (_i, job) => ({ target: job.id, details: { type: job.type, title: job.title } }),
  },

  'vault:status': {
    async run({ core }) {
      const health = await keychainHealth(core.keychain);
      return {
        vault: await core.vault.status(),
        keychain: health.ok ? { ok: true, backend: core.keychain.name } : { ok: false, backend: core.keychain.name, message: health.message },
      };
    },
  },
  'vault:init': { run: ({ core }) => core.vault.init(), audit: (_i, s) => ({ details: { generation: s.generation } }) },
  'vault:rotate': {
    run: (ctx) => ctx.core.jobs.start(VAULT_ROTATE_JOB, {}, signedIn(ctx).username),
    audit: (_i, job) => ({ target: job.id }),
  },

  'system:info': {
    run: ({ core }) => ({
      version: core.version,
      dataDir: core.paths.home,
      databasePath: core.paths.database,
      schemaVersion: SCHEMA_VERSION,
      platform: `${process.platform}-${process.arch}`,
      node: process.versions.node,
    }),
  },
};
