import { z } from 'zod';
import type { AuditRecord, VerifyResult } from '../audit/chain';
import type { JobLogLine, JobStatus, JobSummary } from '../jobs/types';
import type { VaultStatus } from '../vault/vault';
import { channel, empty, id, returns } from './spec';

export interface SystemInfo {
  version: string;
  dataDir: string;
  databasePath: string;
  schemaVersion: number;
  platform: string;
  node: string;
}

export const SYSTEM_CHANNELS = {
  'audit:list': channel({
    input: z
      .object({ beforeSeq: z.number().int().positive().optional(), limit: z.number().int().min(1).max(500).default(100), action: z.string().max(60).optional() })
      .strict(),
    output: returns<AuditRecord[]>(),
    access: 'audit:view',
    mutates: false,
    summary: 'Audit records, newest first.',
  }),
  'audit:verify': channel({ input: empty, output: returns<VerifyResult>(), access: 'audit:view', mutates: false, summary: 'Verify the hash chain.' }),
  'audit:head': channel({
    input: empty,
    output: returns<{ seq: number; hash: string; at: string }>(),
    access: 'audit:view',
    mutates: false,
    summary: 'The head of the chain, to anchor elsewhere.',
  }),

  'jobs:list': channel({
    input: z
      .object({
        limit: z.number().int().min(1).max(500).default(50),
        status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] satisfies JobStatus[]).optional(),
      })
      .strict(),
    output: returns<JobSummary[]>(),
    access: 'job:view',
    mutates: false,
    summary: 'Recent jobs.',
  }),
  'jobs:get': channel({
    input: z.object({ jobId: id('jobId'), afterLogSeq: z.number().int().min(0).default(0) }).strict(),
    output: returns<{ job: JobSummary; logs: JobLogLine[] }>(),
    access: 'job:view',
    mutates: false,
    summary: 'A job with its log lines.',
  }),
  'jobs:cancel': channel({
    input: z.object({ jobId: id('jobId') }).strict(),
    output: returns<JobSummary>(),
    access: 'job:manage',
    mutates: true,
    summary: 'Cancel a running job.',
  }),

  'vault:status': channel({
    input: empty,
    output: returns<{ vault: VaultStatus; keychain: { ok: boolean; backend: string; message?: string } }>(),
    access: 'settings:view',
    mutates: false,
    summary: 'Vault and OS keychain status.',
  }),
  'vault:init': channel({ input: empty, output: returns<VaultStatus>(), access: 'vault:manage', mutates: true, summary: 'Create the vault keys if missing.' }),
  'vault:rotate': channel({
    input: empty,
    output: returns<JobSummary>(),
    access: 'vault:manage',
    mutates: true,
    summary: 'Rotate the master secret and key pair; re-wraps every data key (runs as a job).',
  }),

  'system:info': channel({ input: empty, output: returns<SystemInfo>(), access: 'signed-in', mutates: false, summary: 'Version and data location.' }),
};
