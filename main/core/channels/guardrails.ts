import { z } from 'zod';
import type { GuardrailAssignment, GuardrailProfile } from '../guardrails/service';
import type { GuardrailTestResult } from '../guardrails/dry-run';
import { policySchema, profileName } from '../guardrails/policy';
import { channel, empty, id, returns } from './spec';

const description = z.string().max(500, 'use at most 500 characters');
/** Samples for "Try it": long enough for a real prompt, short enough that a dry run stays quick. */
const sample = z.string().max(20_000, 'use at most 20,000 characters per sample');

export const GUARDRAIL_CHANNELS = {
  'guardrails:list': channel({
    input: empty,
    output: returns<GuardrailProfile[]>(),
    access: 'guardrail:view',
    mutates: false,
    summary: 'Guardrail profiles with the projects that use them.',
  }),
  'guardrails:get': channel({
    input: z.object({ profileId: id('profileId') }).strict(),
    output: returns<GuardrailProfile>(),
    access: 'guardrail:view',
    mutates: false,
    summary: 'One guardrail profile.',
  }),
  'guardrails:create': channel({
    // policy is the gateway's own [guardrails.<name>] schema: what saves here, a gateway loads.
    input: z.object({ name: profileName, description: description.optional(), policy: policySchema }).strict(),
    output: returns<GuardrailProfile>(),
    access: 'guardrail:manage',
    mutates: true,
    summary: 'Create a guardrail profile (PII, deny list, regex rules, max prompt size).',
  }),
  'guardrails:update': channel({
    input: z.object({ profileId: id('profileId'), name: profileName.optional(), description: description.optional(), policy: policySchema.optional() }).strict(),
    output: returns<GuardrailProfile>(),
    access: 'guardrail:manage',
    mutates: true,
    summary: "Change a guardrail profile's name, description or policy (a policy given replaces the whole policy).",
  }),
  'guardrails:delete': channel({
    input: z.object({ profileId: id('profileId'), confirmName: z.string().max(63) }).strict(),
    output: returns<GuardrailProfile>(),
    access: 'guardrail:manage',
    mutates: true,
    summary: 'Delete a guardrail profile no project uses (type its name to confirm).',
  }),
  'guardrails:assign': channel({
    input: z.object({ projectId: id('projectId'), profileId: id('profileId').nullable() }).strict(),
    output: returns<GuardrailAssignment>(),
    access: 'guardrail:manage',
    mutates: true,
    summary: "Set a project's guardrail profile (null: none).",
  }),
  // Not `mutates`: a dry run changes nothing, and auditing would copy the sample text into the chain.
  'guardrails:test': channel({
    input: z
      .object({
        profileId: id('profileId').optional(),
        /** An unsaved policy (the editor's draft, a profile file) instead of a saved profile. */
        draft: z.object({ name: profileName, policy: policySchema }).strict().optional(),
        input: sample.optional(),
        output: sample.optional(),
      })
      .strict()
      .refine((v) => (v.profileId === undefined) !== (v.draft === undefined), { message: 'give either profileId or draft, not both' })
      .refine((v) => v.input !== undefined || v.output !== undefined, { message: 'give an input or an output sample to try' }),
    output: returns<GuardrailTestResult>(),
    access: 'guardrail:view',
    mutates: false,
    summary: 'Run a profile over sample input/output text with the gateway engine: what it would block or redact, and why.',
  }),
};
