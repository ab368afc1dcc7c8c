/**
 * A guardrail profile's policy is exactly the gateway's `[guardrails.<name>]` table: validated with
 * the gateway's own zod schema and the same cross-checks the gateway runs when it loads a config,
 * so the desktop can never save what a gateway would reject — regex rules that can backtrack
 * catastrophically included (the schema runs gateway/src/config/regex/safety.ts on every rule).
 */
import { z } from 'zod';
import { guardrailProfileSchema, validateGatewayConfig, type GuardrailProfileConfig } from '../../../gateway/src/config/index';
import { invalid } from '../errors';

export { guardrailProfileSchema as policySchema };
export type GuardrailPolicy = GuardrailProfileConfig;
export type GuardrailPolicyInput = z.input<typeof guardrailProfileSchema>;

export const PROFILE_NAME_RULE = 'use 1–63 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit, e.g. "pii-redact"';
export const profileName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, PROFILE_NAME_RULE);

export interface FieldIssue {
  /** Channel-input path, e.g. ["policy", "rules", "0", "pattern"]. */
  path: string[];
  message: string;
}

/** `guardrails.<name>.rules[1].name: duplicate …` → policy.rules.1.name */
function issueFromGateway(line: string, name: string): FieldIssue {
  const sep = line.indexOf(': ');
  const where = sep < 0 ? '' : line.slice(0, sep);
  const message = sep < 0 ? line : line.slice(sep + 2);
  const prefix = `guardrails.${name}`;
  const rest = where.startsWith(prefix) ? where.slice(prefix.length) : '';
  const path = ['policy', ...rest.split(/[.[\]]+/).filter(Boolean)];
  return { path, message };
}

/** Trims deny terms and drops repeats (matching is case-insensitive, so "Zeus" and "zeus" are one term). */
function normaliseDeny(deny: readonly string[], issues: FieldIssue[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  deny.forEach((term, i) => {
    const t = term.trim();
    if (!t) issues.push({ path: ['policy', 'deny', String(i)], message: 'is blank; remove it' });
    else if (!seen.has(t.toLowerCase())) {
      seen.add(t.toLowerCase());
      out.push(t);
    }
  });
  return out;
}

/**
 * Validates an untrusted policy for the profile `name` and returns it with the gateway's defaults
 * filled in. Throws INVALID_INPUT whose details list every problem by field.
 */
export function checkPolicy(name: string, policy: GuardrailPolicyInput): GuardrailPolicy {
  const issues: FieldIssue[] = [];
  const parsed = guardrailProfileSchema.safeParse(policy);
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push({ path: ['policy', ...i.path.map(String)], message: i.message });
    throw policyError(issues);
  }
  const candidate = { ...parsed.data, deny: normaliseDeny(parsed.data.deny, issues) };
  const checked = validateGatewayConfig({ providers: {}, models: {}, guardrails: { [name]: candidate } });
  if (!checked.ok) issues.push(...checked.errors.map((e) => issueFromGateway(e, name)));
  if (issues.length) throw policyError(issues);
  return checked.ok ? checked.value.guardrails[name]! : candidate;
}

function policyError(issues: FieldIssue[]) {
  return invalid(
    `The guardrail profile is not valid: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
    'Fix the fields named above; nothing was saved.',
    issues,
  );
}

/** A one-line summary for lists, the CLI and audit records (no deny terms or patterns: they can be sensitive). */
export function summarisePolicy(p: GuardrailPolicy): string {
  const parts: string[] = [];
  parts.push(p.pii.length ? `PII ${p.pii.join('/')} → ${p.action}` : 'no PII detectors');
  if (p.deny.length) parts.push(`${p.deny.length} deny term${p.deny.length === 1 ? '' : 's'} → ${p.deny_action}`);
  if (p.rules.length) parts.push(`${p.rules.length} regex rule${p.rules.length === 1 ? '' : 's'}`);
  if (p.max_prompt_chars !== undefined) parts.push(`max ${p.max_prompt_chars} prompt chars`);
  parts.push(`on ${p.directions.join(' and ')}`);
  return parts.join(', ');
}
