import { z } from 'zod';
import type { ChannelName } from './channel-names';
import type { Permission } from './access/permissions';
import { ROLES } from './access/permissions';
import type { User } from './access/users';
import type { Project } from './access/projects';
import type { ApiKey } from './access/api-keys';
import type { AuditRecord, VerifyResult } from './audit/chain';
import type { JobLogLine, JobStatus, JobSummary } from './jobs/types';
import type { VaultStatus } from './vault/vault';
import type { ChatStarted, PlaygroundModel } from './playground/types';
import { OptimizeInputSchema, type OptimizerCatalog, type OptimizerRun, type OptimizerRunSummary } from './optimizer/service';

/**
 * The one contract between the UI (and the CLI) and the core. Each channel names its input schema,
 * its output type, who may call it, and whether it changes state (and so is audited).
 * Electron IPC, browser mode and the CLI are transports over this table; nothing else defines a channel.
 */

declare const outputBrand: unique symbol;
type Output<T> = { readonly [outputBrand]: T };
const returns = <T>() => undefined as unknown as Output<T>;

export type Access = Permission | 'public' | 'signed-in';

export interface ChannelSpec<I extends z.ZodType = z.ZodType, O = unknown> {
  input: I;
  output: Output<O>;
  access: Access;
  mutates: boolean;
  summary: string;
}

const empty = z.object({}).strict();
const id = (what: string) => z.string().min(1, `${what} is required`).max(64);
const username = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,39}$/i, 'use 2–40 letters, digits, dots, dashes or underscores, starting with a letter or digit');
const password = z.string().min(1, 'is required').max(1024);
const role = z.enum(ROLES);
const projectName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/, 'use 1–40 lowercase letters, digits and dashes (a DNS label), e.g. "fraud-detection"');
const isoFuture = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z' });

/** The signed-in user with what their role allows, so the UI can hide what the core would refuse. */
export type SignedInUser = User & { permissions: Permission[] };

export interface SessionGrant {
  user: SignedInUser;
  token: string;
  expiresAt: string;
}

export interface SystemInfo {
  version: string;
  dataDir: string;
  databasePath: string;
  schemaVersion: number;
  platform: string;
  node: string;
}

export type ProjectMember = { userId: string; username: string; role: string; addedAt: string };

// The Playground's endpoint: typed in for the session. The key is never stored, logged or audited.
const endpoint = {
  baseUrl: z.string().min(1, 'is required').max(2048),
  apiKey: z.string().min(1, 'is required').max(512),
};
const chatMessage = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string().max(200_000) }).strict();

const channel = <I extends z.ZodType, O>(spec: ChannelSpec<I, O>) => spec;

export const CHANNELS = {
  'auth:status': channel({
    input: empty,
    output: returns<{ setupRequired: boolean; user: SignedInUser | null }>(),
    access: 'public',
    mutates: false,
    summary: 'Whether first-run setup is needed, and who is signed in.',
  }),
  'auth:setup': channel({
    input: z.object({ username, displayName: z.string().max(80).optional(), password }).strict(),
    output: returns<SessionGrant & { vault: VaultStatus | { error: string } }>(),
    access: 'public',
    mutates: true,
    summary: 'First run: create the admin account, set up the vault and sign in.',
  }),
  'auth:signIn': channel({
    input: z.object({ username: z.string().min(1).max(40), password }).strict(),
    output: returns<SessionGrant>(),
    access: 'public',
    mutates: true,
    summary: 'Sign in with a local account.',
  }),
  'auth:signOut': channel({ input: empty, output: returns<null>(), access: 'signed-in', mutates: true, summary: 'End this session.' }),
  'auth:changePassword': channel({
    input: z.object({ currentPassword: password, newPassword: password }).strict(),
    output: returns<null>(),
    access: 'signed-in',
    mutates: true,
    summary: 'Change your own password; signs out your other sessions.',
  }),

  'users:list': channel({ input: empty, output: returns<User[]>(), access: 'user:view', mutates: false, summary: 'List users.' }),
  'users:create': channel({
    input: z.object({ username, displayName: z.string().max(80).optional(), password, role }).strict(),
    output: returns<User>(),
    access: 'user:manage',
    mutates: true,
    summary: 'Create a local user.',
  }),
  'users:update': channel({
    input: z
      .object({ userId: id('userId'), role: role.optional(), disabled: z.boolean().optional(), displayName: z.string().max(80).optional() })
      .strict(),
    output: returns<User>(),
    access: 'user:manage',
    mutates: true,
    summary: "Change a user's role, name, or disable them.",
  }),
  'users:resetPassword': channel({
    input: z.object({ userId: id('userId'), password }).strict(),
    output: returns<null>(),
    access: 'user:manage',
    mutates: true,
    summary: "Set a user's password and end their sessions.",
  }),

  'projects:list': channel({ input: empty, output: returns<Project[]>(), access: 'project:view', mutates: false, summary: 'Projects you can see.' }),
  'projects:create': channel({
    input: z.object({ name: projectName, description: z.string().max(500).optional() }).strict(),
    output: returns<Project>(),
    access: 'project:manage',
    mutates: true,
    summary: 'Create a project; you become its first member.',
  }),
  'projects:update': channel({
    input: z.object({ projectId: id('projectId'), description: z.string().max(500) }).strict(),
    output: returns<Project>(),
    access: 'project:manage',
    mutates: true,
    summary: "Edit a project's description.",
  }),
  'projects:delete': channel({
    input: z.object({ projectId: id('projectId'), confirmName: z.string().max(40) }).strict(),
    output: returns<Project>(),
    access: 'project:manage',
    mutates: true,
    summary: 'Delete a project and its API keys (type its name to confirm).',
  }),
  'projects:members': channel({
    input: z.object({ projectId: id('projectId') }).strict(),
    output: returns<ProjectMember[]>(),
    access: 'project:view',
    mutates: false,
    summary: "A project's members.",
  }),
  'projects:addMember': channel({
    input: z.object({ projectId: id('projectId'), userId: id('userId') }).strict(),
    output: returns<ProjectMember[]>(),
    access: 'project:manage',
    mutates: true,
    summary: 'Add a user to a project.',
  }),
  'projects:removeMember': channel({
    input: z.object({ projectId: id('projectId'), userId: id('userId') }).strict(),
    output: returns<ProjectMember[]>(),
    access: 'project:manage',
    mutates: true,
    summary: 'Remove a user from a project.',
  }),

  'apikeys:list': channel({
    input: z.object({ projectId: id('projectId') }).strict(),
    output: returns<ApiKey[]>(),
    access: 'apikey:view',
    mutates: false,
    summary: "A project's API keys (never their secrets).",
  }),
  'apikeys:create': channel({
    input: z
      .object({
        projectId: id('projectId'),
        name: z.string().regex(/^[\w .-]{1,60}$/, 'use 1–60 letters, digits, spaces, dots, dashes or underscores'),
        allowedModels: z.array(z.string().min(1).max(200)).max(100).default(['*']),
        monthlyTokenBudget: z.number().int().positive().max(1e15).nullable().default(null),
        expiresAt: isoFuture.nullable().default(null),
      })
      .strict(),
    output: returns<{ key: ApiKey; secret: string }>(),
    access: 'apikey:manage',
    mutates: true,
    summary: 'Create an API key; the secret is returned once and never stored.',
  }),
  'apikeys:revoke': channel({
    input: z.object({ keyId: id('keyId') }).strict(),
    output: returns<ApiKey>(),
    access: 'apikey:manage',
    mutates: true,
    summary: 'Revoke an API key.',
  }),

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

  'gateway:config': channel({
    input: empty,
    output: returns<{ toml: string; apiKeys: number; projects: number }>(),
    access: 'apikey:view',
    mutates: false,
    summary: 'The gateway config this desktop renders for its clusters (key hashes only).',
  }),

  'optimizer:catalog': channel({
    input: empty,
    output: returns<OptimizerCatalog>(),
    access: 'model:view',
    mutates: false,
    summary: 'Models and GPUs the optimizer knows.',
  }),
  'optimizer:run': channel({
    input: OptimizeInputSchema,
    output: returns<OptimizerRun>(),
    access: 'optimizer:run',
    mutates: true,
    summary: 'Predict every layout, return the Pareto front and the plan for the SLOs; the run is saved.',
  }),
  'optimizer:runs': channel({
    input: z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(),
    output: returns<OptimizerRunSummary[]>(),
    access: 'model:view',
    mutates: false,
    summary: 'Saved optimizer runs, newest first.',
  }),
  'optimizer:get': channel({
    input: z.object({ runId: id('runId') }).strict(),
    output: returns<OptimizerRun>(),
    access: 'model:view',
    mutates: false,
    summary: 'One saved optimizer run with its full result.',
  }),

  // Not `mutates`: chatting changes nothing Foundry keeps, and auditing would copy prompts into the chain.
  'playground:models': channel({
    input: z.object(endpoint).strict(),
    output: returns<PlaygroundModel[]>(),
    access: 'playground:use',
    mutates: false,
    summary: "The models a gateway endpoint offers to this API key (its /v1/models).",
  }),
  'playground:chat': channel({
    input: z
      .object({
        ...endpoint,
        model: z.string().min(1, 'pick a model').max(256),
        messages: z.array(chatMessage).min(1, 'needs at least one message').max(200),
        temperature: z.number().min(0).max(2).optional(),
        maxTokens: z.number().int().min(1).max(131_072).optional(),
      })
      .strict(),
    output: returns<ChatStarted>(),
    access: 'playground:use',
    mutates: false,
    summary: 'Start a streaming chat answer; text and stats arrive as playground events to this session.',
  }),
  'playground:cancel': channel({
    input: z.object({ requestId: id('requestId') }).strict(),
    output: returns<{ cancelled: boolean }>(),
    access: 'playground:use',
    mutates: false,
    summary: 'Stop a streaming Playground answer this session started.',
  }),
} satisfies Record<ChannelName, ChannelSpec>;

type Table = typeof CHANNELS;
// Compile-time check that channel-names.ts lists exactly the table's keys.
type _NamesMatchTable = [keyof Table] extends [ChannelName] ? ([ChannelName] extends [keyof Table] ? true : never) : never;
const _namesMatch: _NamesMatchTable = true;
void _namesMatch;

export type ChannelInput<K extends ChannelName> = z.input<Table[K]['input']>;
export type ChannelParsed<K extends ChannelName> = z.output<Table[K]['input']>;
export type ChannelOutput<K extends ChannelName> = Table[K]['output'] extends Output<infer O> ? O : never;
export type { ChannelName };
