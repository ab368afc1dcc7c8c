import { keyLimitsOf } from '../access/api-keys';
import { limitsOf } from '../access/projects';
import type { HandlerTable } from './types';
import { signedIn } from './types';

type AccessHandlers = Pick<
  HandlerTable,
  | 'users:list'
  | 'users:create'
  | 'users:update'
  | 'users:resetPassword'
  | 'projects:list'
  | 'projects:create'
  | 'projects:update'
  | 'projects:setLimits'
  | 'projects:delete'
  | 'projects:members'
  | 'projects:addMember'
  | 'projects:removeMember'
  | 'apikeys:list'
  | 'apikeys:create'
  | 'apikeys:update'
  | 'apikeys:revoke'
>;

export const accessHandlers: AccessHandlers = {
  'users:list': { run: ({ core }) => core.users.list() },
  'users:create': {
    run: ({ core }, input) => core.users.create(input),
    audit: (_i, u) => ({ target: u.id, details: { username: u.username, role: u.role } }),
  },
  'users:update': {
    run: ({ core }, { userId, ...patch }) => core.users.update(userId, patch),
    audit: ({ userId: _id, ...patch }, u) => ({ target: u.id, details: { username: u.username, ...patch } }),
  },
  'users:resetPassword': {
    run: async ({ core }, input) => {
      await core.users.setPassword(input.userId, input.password);
      return null;
    },
    audit: (input) => ({ target: input.userId }),
  },

  'projects:list': { run: (ctx) => ctx.core.projects.list(signedIn(ctx)) },
  'projects:create': {
    run: (ctx, input) => ctx.core.projects.create(input, signedIn(ctx)),
    audit: (_i, p) => ({ target: p.id, details: { name: p.name } }),
  },
  'projects:update': {
    run: (ctx, input) => ctx.core.projects.update(input.projectId, { description: input.description }, signedIn(ctx)),
    audit: (_i, p) => ({ target: p.id, details: { name: p.name } }),
  },
  'projects:setLimits': {
    before: (ctx, input) => ({ ...limitsOf(ctx.core.projects.requireVisible(input.projectId, signedIn(ctx))) }),
    run: (ctx, { projectId, ...patch }) => ctx.core.projects.setLimits(projectId, patch, signedIn(ctx)),
    audit: (_i, p, before) => ({ target: p.id, details: { name: p.name, before, after: limitsOf(p) } }),
  },
  'projects:delete': {
    run: (ctx, input) => ctx.core.projects.remove(input.projectId, input.confirmName, signedIn(ctx)),
    audit: (_i, p) => ({ target: p.id, details: { name: p.name } }),
  },
  'projects:members': { run: (ctx, input) => ctx.core.projects.members(input.projectId, signedIn(ctx)) },
  'projects:addMember': {
    run: (ctx, input) => {
      ctx.core.projects.addMember(input.projectId, input.userId, signedIn(ctx));
      return ctx.core.projects.members(input.projectId, signedIn(ctx));
    },
    audit: (input) => ({ target: input.projectId, details: { userId: input.userId } }),
  },
  'projects:removeMember': {
    run: (ctx, input) => {
      ctx.core.projects.removeMember(input.projectId, input.userId, signedIn(ctx));
      return ctx.core.projects.members(input.projectId, signedIn(ctx));
    },
    audit: (input) => ({ target: input.projectId, details: { userId: input.userId } }),
  },

  'apikeys:list': {
    run: (ctx, input) => {
      ctx.core.projects.requireVisible(input.projectId, signedIn(ctx));
      return ctx.core.apiKeys.list(input.projectId);
    },
  },
  'apikeys:create': {
    run: (ctx, input) => {
      const user = signedIn(ctx);
      ctx.core.projects.requireVisible(input.projectId, user);
      return ctx.core.apiKeys.create(input, user.id);
    },
    audit: (_i, { key }) => ({
      target: key.id,
      details: {
        projectId: key.projectId,
        name: key.name,
        prefix: key.prefix,
        allowedModels: key.allowedModels,
        ...keyLimitsOf(key),
        expiresAt: key.expiresAt,
      },
    }),
  },
  'apikeys:update': {
    before: (ctx, input) => {
      const key = ctx.core.apiKeys.get(input.keyId);
      ctx.core.projects.requireVisible(key.projectId, signedIn(ctx));
      return { ...keyLimitsOf(key) };
    },
    run: (ctx, { keyId, ...patch }) => {
      const key = ctx.core.apiKeys.get(keyId);
      ctx.core.projects.requireVisible(key.projectId, signedIn(ctx));
      return ctx.core.apiKeys.setLimits(keyId, patch);
    },
    audit: (_i, key, before) => ({
      target: key.id,
      details: { projectId: key.projectId, name: key.name, prefix: key.prefix, before, after: keyLimitsOf(key) },
    }),
  },
  'apikeys:revoke': {
    run: (ctx, input) => {
      const key = ctx.core.apiKeys.get(input.keyId);
      ctx.core.projects.requireVisible(key.projectId, signedIn(ctx));
      return ctx.core.apiKeys.revoke(input.keyId);
    },
    audit: (_i, key) => ({ target: key.id, details: { projectId: key.projectId, name: key.name, prefix: key.prefix } }),
  },
};
