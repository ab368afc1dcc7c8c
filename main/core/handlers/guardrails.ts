import type { HandlerTable } from './types';
import { signedIn } from './types';
import { checkPolicy, summarisePolicy } from '../guardrails/policy';
import { dryRun } from '../guardrails/dry-run';
import type { GuardrailProfile } from '../guardrails/service';

type GuardrailHandlers = Pick<
  HandlerTable,
  'guardrails:list' | 'guardrails:get' | 'guardrails:create' | 'guardrails:update' | 'guardrails:delete' | 'guardrails:assign' | 'guardrails:test'
>;

// Audit records carry a summary, not deny terms or patterns: those can name what a team protects.
const record = (p: GuardrailProfile) => ({ target: p.id, details: { name: p.name, policy: summarisePolicy(p.policy) } });

export const guardrailHandlers: GuardrailHandlers = {
  'guardrails:list': { run: (ctx) => ctx.core.guardrails.list(signedIn(ctx)) },
  'guardrails:get': { run: (ctx, input) => ctx.core.guardrails.get(input.profileId, signedIn(ctx)) },
  'guardrails:create': {
    run: (ctx, input) => ctx.core.guardrails.create(input, signedIn(ctx)),
    audit: (_i, p) => record(p),
  },
  'guardrails:update': {
    run: (ctx, { profileId, ...patch }) => ctx.core.guardrails.update(profileId, patch, signedIn(ctx)),
    audit: (_i, p) => record(p),
  },
  'guardrails:delete': {
    run: (ctx, input) => ctx.core.guardrails.remove(input.profileId, input.confirmName, signedIn(ctx)),
    audit: (_i, p) => ({ target: p.id, details: { name: p.name } }),
  },
  'guardrails:assign': {
    run: (ctx, input) => ctx.core.guardrails.assign(input.projectId, input.profileId, signedIn(ctx)),
    audit: (_i, a) => ({ target: a.project.id, details: { project: a.project.name, profile: a.profile?.name ?? null } }),
  },
  'guardrails:test': {
    run: (ctx, input) => {
      if (input.draft) return dryRun(input.draft.name, checkPolicy(input.draft.name, input.draft.policy), input);
      const profile = ctx.core.guardrails.get(input.profileId!, signedIn(ctx));
      return dryRun(profile.name, profile.policy, input);
    },
  },
};
