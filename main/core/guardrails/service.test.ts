import { describe, expect, it } from 'vitest';
import { useAdminCore } from '../testing/harness';
import type { GuardrailPolicyInput } from './policy';

const app = useAdminCore();

const raw = (name: string, input: unknown, token = app.token) => app.core.dispatcher.call(name, input, { token, transport: 'test' });
const emails: GuardrailPolicyInput = { action: 'redact', pii: ['email'] };
const profiles = async () => (await app.core.call('guardrails:list', {}, app.token)).map((p) => p.name);

async function signInAs(username: string, role: 'devops' | 'developer' | 'viewer'): Promise<string> {
  await app.core.call('users:create', { username, password: `${username} password 1`, role }, app.token);
  return (await app.core.call('auth:signIn', { username, password: `${username} password 1` })).token;
}

describe('guardrail profiles', () => {
  it('stores a profile with the gateway defaults filled in, so what is shown is what the gateway enforces', async () => {
    const p = await app.core.call('guardrails:create', { name: 'pii-redact', description: 'support bot', policy: emails }, app.token);
    expect(p).toMatchObject({ name: 'pii-redact', description: 'support bot', createdBy: 'ada', projects: [], projectCount: 0 });
    expect(p.policy).toEqual({ action: 'redact', pii: ['email'], directions: ['input', 'output'], deny: [], deny_action: 'block', rules: [], stream_holdback_chars: 64 });
    expect(await app.core.call('guardrails:get', { profileId: p.id }, app.token)).toEqual(p);
  });

  it('refuses a duplicate name, case-insensitively, and keeps the first', async () => {
    await app.core.call('guardrails:create', { name: 'strict', policy: emails }, app.token);
    expect(await raw('guardrails:create', { name: 'strict', policy: { pii: [] } })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: expect.stringContaining('"strict" already exists'), details: [{ path: ['name'] }] },
    });
    expect((await app.core.call('guardrails:list', {}, app.token))[0]!.policy.pii).toEqual(['email']);
  });

  it.each([
    ['a name that is not a simple identifier', { name: 'Has Spaces', policy: {} }, ['name'], 'lowercase letters'],
    ['an unknown PII kind', { name: 'x', policy: { pii: ['ssn'] } }, ['policy', 'pii', '0'], 'expected one of'],
    ['an unknown policy key (the gateway schema is strict)', { name: 'x', policy: { redact: true } }, ['policy'], 'redact'],
    ['a regex that does not compile', { name: 'x', policy: { rules: [{ name: 'r', pattern: 'a(b' }] } }, ['policy', 'rules', '0', 'pattern'], 'invalid regular expression'],
    ['a regex that matches the empty string', { name: 'x', policy: { rules: [{ name: 'r', pattern: 'a*' }] } }, ['policy', 'rules', '0', 'pattern'], 'empty string'],
    ['a regex over the gateway length limit', { name: 'x', policy: { rules: [{ name: 'r', pattern: 'a'.repeat(2001) }] } }, ['policy', 'rules', '0', 'pattern'], '2000'],
    ['a flag the gateway does not allow', { name: 'x', policy: { rules: [{ name: 'r', pattern: 'a', flags: 'y' }] } }, ['policy', 'rules', '0', 'flags'], 'flags i, m, s, u'],
    ['an empty directions list', { name: 'x', policy: { directions: [] } }, ['policy', 'directions'], 'input'],
    ['a max prompt size of zero', { name: 'x', policy: { max_prompt_chars: 0 } }, ['policy', 'max_prompt_chars'], '> 0'],
  ])('rejects %s with the field named, and saves nothing', async (_what, input, path, message) => {
    const r = await raw('guardrails:create', input);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    if (r.ok) return;
    expect(r.error.details).toContainEqual({ path, message: expect.stringContaining(message) });
    expect(await profiles()).toEqual([]);
  });

  it('runs the gateway cross-checks too: two rules with one name', async () => {
    const r = await raw('guardrails:create', { name: 'x', policy: { rules: [{ name: 'id', pattern: 'a' }, { name: 'id', pattern: 'b' }] } });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: [{ path: ['policy', 'rules', '1', 'name'], message: 'duplicate rule name "id"' }] } });
  });

  it('refuses a regex that can backtrack catastrophically, with the gateway schema\'s own check, at the rule\'s field', async () => {
    const r = await raw('guardrails:create', { name: 'x', policy: { rules: [{ name: 'ok', pattern: 'TCK-\\d{6}' }, { name: 'slow', pattern: '(\\w+\\s?)+$' }] } });
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('policy.rules.1.pattern: can take exponential time') } });
    expect(r).toMatchObject({ error: { details: [{ path: ['policy', 'rules', '1', 'pattern'], message: expect.stringContaining('catastrophic backtracking') }] } });
    expect(await profiles()).toEqual([]);
  });

  it('trims deny terms, drops case-insensitive repeats, and names a blank one', async () => {
    const p = await app.core.call('guardrails:create', { name: 'deny', policy: { deny: [' Project Zeus ', 'project zeus', 'swordfish'] } }, app.token);
    expect(p.policy.deny).toEqual(['Project Zeus', 'swordfish']);
    expect(await raw('guardrails:update', { profileId: p.id, policy: { deny: ['ok', '   '] } })).toMatchObject({
      ok: false,
      error: { details: [{ path: ['policy', 'deny', '1'], message: expect.stringContaining('blank') }] },
    });
    expect((await app.core.call('guardrails:get', { profileId: p.id }, app.token)).policy.deny).toEqual(['Project Zeus', 'swordfish']);
  });

  it('renames and edits a profile, and refuses to rename onto another', async () => {
    const a = await app.core.call('guardrails:create', { name: 'a', policy: emails }, app.token);
    await app.core.call('guardrails:create', { name: 'b', policy: emails }, app.token);
    const edited = await app.core.call('guardrails:update', { profileId: a.id, name: 'a2', policy: { pii: ['card'], action: 'block' } }, app.token);
    expect(edited).toMatchObject({ name: 'a2', policy: { pii: ['card'], action: 'block' } });
    expect(await raw('guardrails:update', { profileId: a.id, name: 'b' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await raw('guardrails:update', { profileId: 'grd_missing', name: 'c' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('assigning profiles to projects', () => {
  it('gives a project one profile, switches it, and takes it away', async () => {
    const fraud = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    const a = await app.core.call('guardrails:create', { name: 'a', policy: emails }, app.token);
    const b = await app.core.call('guardrails:create', { name: 'b', policy: emails }, app.token);
    expect(await app.core.call('guardrails:assign', { projectId: fraud.id, profileId: a.id }, app.token)).toEqual({ project: { id: fraud.id, name: 'fraud' }, profile: { id: a.id, name: 'a' } });
    expect((await app.core.call('guardrails:get', { profileId: a.id }, app.token)).projects).toEqual([{ id: fraud.id, name: 'fraud' }]);
    await app.core.call('guardrails:assign', { projectId: fraud.id, profileId: b.id }, app.token);
    const after = await app.core.call('guardrails:list', {}, app.token);
    expect(after.map((p) => [p.name, p.projectCount])).toEqual([['a', 0], ['b', 1]]);
    expect(await app.core.call('guardrails:assign', { projectId: fraud.id, profileId: null }, app.token)).toMatchObject({ profile: null });
    expect((await app.core.call('guardrails:get', { profileId: b.id }, app.token)).projectCount).toBe(0);
  });

  it('says which of project or profile is unknown', async () => {
    const p = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    const g = await app.core.call('guardrails:create', { name: 'a', policy: emails }, app.token);
    expect(await raw('guardrails:assign', { projectId: p.id, profileId: 'grd_nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('Guardrail profile grd_nope') } });
    expect(await raw('guardrails:assign', { projectId: 'prj_nope', profileId: g.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: expect.stringContaining('Project prj_nope') } });
  });

  it('refuses to delete a profile in use, naming the projects, and deletes it once free', async () => {
    const g = await app.core.call('guardrails:create', { name: 'strict', policy: emails }, app.token);
    const fraud = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    const support = await app.core.call('projects:create', { name: 'support' }, app.token);
    await app.core.call('guardrails:assign', { projectId: fraud.id, profileId: g.id }, app.token);
    await app.core.call('guardrails:assign', { projectId: support.id, profileId: g.id }, app.token);

    expect(await raw('guardrails:delete', { profileId: g.id, confirmName: 'stric' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('type its name exactly') } });
    expect(await raw('guardrails:delete', { profileId: g.id, confirmName: 'strict' })).toMatchObject({
      ok: false,
      error: { code: 'FAILED_PRECONDITION', message: 'Guardrail profile "strict" is used by projects fraud, support; it was not deleted.', hint: expect.stringContaining('another profile') },
    });
    expect(await profiles()).toEqual(['strict']);

    await app.core.call('guardrails:assign', { projectId: fraud.id, profileId: null }, app.token);
    // Deleting a project frees its profile too.
    await app.core.call('projects:delete', { projectId: support.id, confirmName: 'support' }, app.token);
    expect(await app.core.call('guardrails:delete', { profileId: g.id, confirmName: 'strict' }, app.token)).toMatchObject({ name: 'strict' });
    expect(await profiles()).toEqual([]);
  });

  it('keeps the refusal in the database too: the foreign key forbids deleting a profile in use', async () => {
    const g = await app.core.call('guardrails:create', { name: 'strict', policy: emails }, app.token);
    const p = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    await app.core.call('guardrails:assign', { projectId: p.id, profileId: g.id }, app.token);
    expect(() => app.services.db.prepare('DELETE FROM guardrail_profiles WHERE id = ?').run(g.id)).toThrow(/FOREIGN KEY/);
  });
});

describe('who may do what', () => {
  it('lets every role view and try profiles, and only admin and devops change or assign them', async () => {
    const g = await app.core.call('guardrails:create', { name: 'strict', policy: emails }, app.token);
    const p = await app.core.call('projects:create', { name: 'fraud' }, app.token);
    const devops = await signInAs('dev-ops', 'devops');
    for (const [who, token] of [['developer', await signInAs('dev', 'developer')], ['viewer', await signInAs('view', 'viewer')]] as const) {
      expect(await raw('guardrails:list', {}, token)).toMatchObject({ ok: true });
      expect(await raw('guardrails:test', { profileId: g.id, input: 'me@corp.com' }, token)).toMatchObject({ ok: true, value: { input: { text: '[EMAIL]' } } });
      for (const [name, input] of [
        ['guardrails:create', { name: `by-${who}`, policy: {} }],
        ['guardrails:update', { profileId: g.id, description: 'x' }],
        ['guardrails:assign', { projectId: p.id, profileId: g.id }],
        ['guardrails:delete', { profileId: g.id, confirmName: 'strict' }],
      ] as const) {
        expect(await raw(name, input, token)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', message: expect.stringContaining('guardrail:manage') } });
      }
    }
    expect(await raw('guardrails:assign', { projectId: p.id, profileId: g.id }, devops)).toMatchObject({ ok: true });
    expect(await raw('guardrails:create', { name: 'by-devops', policy: {} }, devops)).toMatchObject({ ok: true });
  });

  it('shows a developer only the projects they belong to, with the total count', async () => {
    const g = await app.core.call('guardrails:create', { name: 'strict', policy: emails }, app.token);
    const mine = await app.core.call('projects:create', { name: 'mine' }, app.token);
    const secret = await app.core.call('projects:create', { name: 'secret-project' }, app.token);
    const dev = await signInAs('dev', 'developer');
    const devId = (await app.core.call('auth:status', {}, dev)).user!.id;
    await app.core.call('projects:addMember', { projectId: mine.id, userId: devId }, app.token);
    for (const p of [mine, secret]) await app.core.call('guardrails:assign', { projectId: p.id, profileId: g.id }, app.token);
    const seen = await app.core.call('guardrails:get', { profileId: g.id }, dev);
    expect(seen.projects).toEqual([{ id: mine.id, name: 'mine' }]);
    expect(seen.projectCount).toBe(2);
  });

  it('audits changes with a summary, never deny terms, and never audits a dry run or its sample', async () => {
    const g = await app.core.call('guardrails:create', { name: 'strict', policy: { deny: ['Project Zeus'], pii: ['email'] } }, app.token);
    const before = (await app.core.call('audit:list', {}, app.token)).length;
    await app.core.call('guardrails:test', { profileId: g.id, input: 'status of project zeus for jane@corp.com?' }, app.token);
    await app.core.call('guardrails:test', { draft: { name: 'draft', policy: { deny: ['Hermes'] } }, output: 'about hermes' }, app.token);
    const log = await app.core.call('audit:list', {}, app.token);
    expect(log.length).toBe(before);
    const created = log.find((r) => r.action === 'guardrails:create')!;
    expect(created).toMatchObject({ actor: 'ada', target: g.id, details: { name: 'strict', policy: 'PII email → redact, 1 deny term → block, on input and output' } });
    const chain = JSON.stringify(log).toLowerCase();
    for (const secret of ['zeus', 'jane@corp.com', 'hermes']) expect(chain).not.toContain(secret);
  });
});
