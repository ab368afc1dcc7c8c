import { describe, expect, it } from 'vitest';
import { ClientError } from '../../client';
import { fieldErrors } from '../../components/field-errors';
import { emptyForm, errorsUnder, formFromProfile, policyFromForm } from './form';

const saved = {
  name: 'support',
  description: 'bot',
  policy: {
    action: 'redact' as const,
    pii: ['email' as const],
    directions: ['input' as const],
    deny: ['zeus'],
    deny_action: 'block' as const,
    rules: [
      { name: 'ticket', pattern: 'TCK-\\d{6}', flags: 'i', direction: 'output' as const, replacement: '[TICKET]' },
      { name: 'pw', pattern: 'swordfish', flags: 'i', direction: 'both' as const, action: 'block' as const, replacement: '[REDACTED]' },
    ],
    max_prompt_chars: 4000,
    stream_holdback_chars: 64,
  },
};

describe('guardrail profile form', () => {
  it('round-trips a saved policy: a rule without its own action follows the profile', () => {
    const form = formFromProfile(saved);
    expect(form.rules.map((r) => r.action)).toEqual(['default', 'block']);
    expect(policyFromForm(form)).toEqual(saved.policy);
  });

  it('starts a new profile from the gateway defaults and sends no max prompt size when it is empty', () => {
    const policy = policyFromForm(emptyForm());
    expect(policy).toMatchObject({ action: 'redact', pii: ['email', 'phone', 'card', 'iban', 'api_key'], directions: ['input', 'output'], deny_action: 'block' });
    expect(policy).not.toHaveProperty('max_prompt_chars');
  });

  it("places the channel's field issues by path, and gathers a list's issues for one input", () => {
    const error = new ClientError({
      code: 'INVALID_INPUT',
      message: 'The guardrail profile is not valid',
      details: [
        { path: ['policy', 'rules', '1', 'pattern'], message: 'invalid regular expression' },
        { path: ['policy', 'deny', '2'], message: 'is blank; remove it' },
        { path: ['name'], message: 'is taken' },
        { nonsense: true },
      ],
    });
    const errors = fieldErrors(error);
    expect(errors).toEqual({ 'policy.rules.1.pattern': 'invalid regular expression', 'policy.deny.2': 'is blank; remove it', name: 'is taken' });
    expect(errorsUnder(errors, 'policy.deny')).toBe('2: is blank; remove it');
    expect(errorsUnder(errors, 'policy.pii')).toBeUndefined();
    expect(fieldErrors(null)).toEqual({});
  });
});
