import { z } from 'zod';
import type { User } from '../access/users';
import type { Project } from '../access/projects';
import type { ApiKey } from '../access/api-keys';
import { monthlyTokenBudget, requestsPerMinute, tokensPerMinute } from '../access/limits';
import { channel, empty, id, isoFuture, password, projectName, returns, role, username } from './spec';

/** A patch must change something: an empty one is more likely a mistake than a wish. */
const changesSomething = (fields: string[]) => (o: Record<string, unknown>) => fields.some((f) => o[f] !== undefined);

export type ProjectMember = { userId: string; username: string; role: string; addedAt: string };

export const ACCESS_CHANNELS = {
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
  'projects:setLimits': channel({
    input: z
      .object({
        projectId: id('projectId'),
        requestsPerMinute: requestsPerMinute.optional(),
        tokensPerMinute: tokensPerMinute.optional(),
        monthlyTokenBudget: monthlyTokenBudget.optional(),
        logBodies: z.boolean({ error: 'must be true or false' }).optional(),
      })
      .strict()
      .refine(changesSomething(['requestsPerMinute', 'tokensPerMinute', 'monthlyTokenBudget', 'logBodies']), {
        message: 'name at least one of requestsPerMinute, tokensPerMinute, monthlyTokenBudget, logBodies (null removes a limit)',
      }),
    output: returns<Project>(),
    access: 'project:manage',
    mutates: true,
    summary: "Set a project's gateway limits (requests and tokens per minute, monthly token budget; null: no limit) and whether the gateway logs its request and response bodies (secrets redacted).",
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
        monthlyTokenBudget: monthlyTokenBudget.default(null),
        requestsPerMinute: requestsPerMinute.default(null),
        tokensPerMinute: tokensPerMinute.default(null),
        expiresAt: isoFuture.nullable().default(null),
      })
      .strict(),
    output: returns<{ key: ApiKey; secret: string }>(),
    access: 'apikey:manage',
    mutates: true,
    summary: 'Create an API key; the secret is returned once and never stored.',
  }),
  'apikeys:update': channel({
    input: z
      .object({
        keyId: id('keyId'),
        monthlyTokenBudget: monthlyTokenBudget.optional(),
        requestsPerMinute: requestsPerMinute.optional(),
        tokensPerMinute: tokensPerMinute.optional(),
      })
      .strict()
      .refine(changesSomething(['monthlyTokenBudget', 'requestsPerMinute', 'tokensPerMinute']), {
        message: 'name at least one of monthlyTokenBudget, requestsPerMinute, tokensPerMinute (null removes a limit)',
      }),
    output: returns<ApiKey>(),
    access: 'apikey:manage',
    mutates: true,
    summary: "Change an API key's monthly token budget and rates in place (null: no limit); the key keeps working, nothing is reissued.",
  }),
  'apikeys:revoke': channel({
    input: z.object({ keyId: id('keyId') }).strict(),
    output: returns<ApiKey>(),
    access: 'apikey:manage',
    mutates: true,
    summary: 'Revoke an API key.',
  }),
};
