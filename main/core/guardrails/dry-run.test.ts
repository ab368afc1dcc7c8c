import { describe, expect, it } from 'vitest';
import { dryRun } from './dry-run';
import { checkPolicy } from './policy';
import { startAdminCore } from '../testing/harness';

const policy = (p: Parameters<typeof checkPolicy>[1]) => checkPolicy('t', p);

describe('guardrails dry run (the gateway engine on sample text)', () => {
  it('redacts an email in the input and says which rule did it', () => {
    const r = dryRun('t', policy({ pii: ['email'] }), { input: 'Write to jane.doe@corp.example about it.' });
    expect(r.input).toEqual({
      text: 'Write to [EMAIL] about it.',
      blocked: null,
      findings: [{ rule: 'pii.email', action: 'redact', count: 1, why: 'an email address' }],
    });
    expect(r.output).toBeNull();
  });

  it('blocks a deny-listed term with the message a client would get, the term it matched, and the original text', () => {
    const r = dryRun('strict', checkPolicy('strict', { deny: ['Project Zeus'], pii: ['email'] }), { input: 'status of project zeus, ask me@corp.com' });
    expect(r.input!.blocked).toEqual({
      rule: 'deny',
      message: 'The request was blocked by guardrail profile "strict" (rule deny).',
      why: 'a term on the deny list',
      match: 'project zeus',
    });
    expect(r.input!.text).toBe('status of project zeus, ask me@corp.com');
  });

  it('applies output rules to the answer, naming the regex rule', () => {
    const p = policy({ pii: [], rules: [{ name: 'ticket', pattern: 'TCK-\\d{6}', direction: 'output', action: 'redact', replacement: '[TICKET]' }, { name: 'pw', pattern: 'swordfish', action: 'block' }] });
    const redacted = dryRun('t', p, { input: 'ticket TCK-123456?', output: 'It is TCK-123456.' });
    expect(redacted.input).toMatchObject({ text: 'ticket TCK-123456?', findings: [] });
    expect(redacted.output).toMatchObject({ text: 'It is [TICKET].', findings: [{ rule: 'rule.ticket', why: 'regex rule "ticket" (/TCK-\\d{6}/i)' }] });
    const blocked = dryRun('t', p, { output: 'the password is SwordFish' });
    expect(blocked.output!.blocked).toMatchObject({ rule: 'rule.pw', match: 'SwordFish', message: expect.stringContaining('The response was blocked') });
  });

  it('blocks a prompt over max_prompt_chars and says by how much', () => {
    const r = dryRun('t', policy({ max_prompt_chars: 10 }), { input: 'eleven chars' });
    expect(r.input!.blocked).toMatchObject({ rule: 'max_prompt_chars', why: 'the prompt has 12 characters; the profile allows 10', match: null });
  });

  it('leaves a side alone when the profile does not check it, and rejects card look-alikes as the gateway does', () => {
    const p = policy({ pii: ['card'], directions: ['input'] });
    const r = dryRun('t', p, { input: 'card 4111 1111 1111 1111, order 1234 5678 9012 3456', output: 'card 4111 1111 1111 1111' });
    expect(r.input!.text).toBe('card [CARD], order 1234 5678 9012 3456');
    expect(r.output).toEqual({ text: 'card 4111 1111 1111 1111', blocked: null, findings: [] });
  });
});

describe('a slow rule in a dry run', () => {
  it('is stopped at the time limit with a clear error, and the core keeps working', () => {
    // Not exponential (so it saves), but quartic on a long run of "a"s: it would freeze the core.
    const slow = policy({ pii: [], rules: [{ name: 'slow', pattern: 'a*a*a*b' }] });
    expect(() => dryRun('t', slow, { input: 'a'.repeat(20_000) }, 200)).toThrowError(
      expect.objectContaining({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('took longer than 0.2 s') }),
    );
    expect(dryRun('t', slow, { input: 'aab' }).input!.text).toBe('[REDACTED]');
  });
});

describe('guardrails:test channel', () => {
  it('tries an unsaved draft, and refuses a draft whose regex could hang the core', async () => {
    const { core, admin } = await startAdminCore();
    try {
      const ok = await core.call('guardrails:test', { draft: { name: 'draft', policy: { pii: ['phone'] } }, output: 'Call +44 20 7946 0958.' }, admin);
      expect(ok.output!.text).toBe('Call [PHONE].');
      const slow = await core.dispatcher.call('guardrails:test', { draft: { name: 'draft', policy: { rules: [{ name: 'x', pattern: '(a|a)*b' }] } }, input: 'aaaa' }, { token: admin, transport: 'test' });
      expect(slow).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('catastrophic backtracking') } });
      for (const bad of [{ input: 'x' }, { profileId: 'grd_x', draft: { name: 'd', policy: {} }, input: 'x' }, { profileId: 'grd_x' }]) {
        expect(await core.dispatcher.call('guardrails:test', bad, { token: admin, transport: 'test' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      }
      expect(await core.dispatcher.call('guardrails:test', { profileId: 'grd_x', input: 'x' }, { token: admin, transport: 'test' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      await core.dispose();
    }
  });
});
