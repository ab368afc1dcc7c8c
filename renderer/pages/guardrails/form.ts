/**
 * The profile editor's state and its mapping to and from the gateway policy the channel takes.
 * The channel (the gateway's own schema) is the judge of validity; the form only shows its field
 * errors next to the fields they name.
 */
import type { GuardrailPolicy, GuardrailPolicyInput } from '../../../main/core/guardrails/policy';

export type PiiKind = GuardrailPolicy['pii'][number];
export type GuardAction = GuardrailPolicy['action'];
export type Direction = GuardrailPolicy['directions'][number];
export type RuleDirection = GuardrailPolicy['rules'][number]['direction'];

export const PII_LABELS = {
  email: 'Email addresses',
  phone: 'Phone numbers',
  card: 'Card numbers (Luhn)',
  iban: 'IBANs (mod 97)',
  api_key: 'API keys and secrets',
} as const satisfies Record<PiiKind, string>;

export const PII_KINDS = Object.keys(PII_LABELS) as PiiKind[];

/** Placeholders the gateway writes for each detector (gateway/src/guardrails/detectors.ts). */
export const BUILTIN_PLACEHOLDERS = ['[EMAIL]', '[PHONE]', '[CARD]', '[IBAN]', '[API_KEY]', '[DENIED]'];

export interface RuleForm {
  /** React key only; never sent. */
  key: number;
  name: string;
  pattern: string;
  flags: string;
  direction: RuleDirection;
  /** 'default' follows the profile's action. */
  action: GuardAction | 'default';
  replacement: string;
}

export interface ProfileForm {
  name: string;
  description: string;
  action: GuardAction;
  pii: PiiKind[];
  directions: Direction[];
  deny: string[];
  denyAction: GuardAction;
  rules: RuleForm[];
  maxPromptChars: number | '';
  holdback: number;
}

let nextKey = 1;
export const newRule = (): RuleForm => ({ key: nextKey++, name: '', pattern: '', flags: 'i', direction: 'both', action: 'default', replacement: '[REDACTED]' });

/** A new profile starts as the gateway's defaults would: every PII detector on, redacting, both sides. */
export function emptyForm(): ProfileForm {
  return { name: '', description: '', action: 'redact', pii: [...PII_KINDS], directions: ['input', 'output'], deny: [], denyAction: 'block', rules: [], maxPromptChars: '', holdback: 64 };
}

export function formFromProfile(p: { name: string; description: string; policy: GuardrailPolicy }): ProfileForm {
  const policy = p.policy;
  return {
    name: p.name,
    description: p.description,
    action: policy.action,
    pii: [...policy.pii],
    directions: [...policy.directions],
    deny: [...policy.deny],
    denyAction: policy.deny_action,
    rules: policy.rules.map((r) => ({ key: nextKey++, name: r.name, pattern: r.pattern, flags: r.flags, direction: r.direction, action: r.action ?? 'default', replacement: r.replacement })),
    maxPromptChars: policy.max_prompt_chars ?? '',
    holdback: policy.stream_holdback_chars,
  };
}

export function policyFromForm(f: ProfileForm): GuardrailPolicyInput {
  return {
    action: f.action,
    pii: f.pii,
    directions: f.directions,
    deny: f.deny,
    deny_action: f.denyAction,
    rules: f.rules.map((r) => ({ name: r.name.trim(), pattern: r.pattern, flags: r.flags, direction: r.direction, ...(r.action === 'default' ? {} : { action: r.action }), replacement: r.replacement })),
    ...(f.maxPromptChars === '' ? {} : { max_prompt_chars: f.maxPromptChars }),
    stream_holdback_chars: f.holdback,
  };
}

/** Every error at or under `prefix` (e.g. all of policy.deny.*), for a field that shows a list as one input. */
export function errorsUnder(errors: Record<string, string>, prefix: string): string | undefined {
  const found = Object.entries(errors).filter(([k]) => k === prefix || k.startsWith(`${prefix}.`));
  if (found.length === 0) return undefined;
  return found.map(([k, m]) => (k === prefix ? m : `${k.slice(prefix.length + 1)}: ${m}`)).join('; ');
}
