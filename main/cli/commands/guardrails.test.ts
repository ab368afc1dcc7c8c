import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../core/testing/harness';
import { parseProfileFile } from './guardrail-file';
import { cliRunner } from '../testing';

// Each step runs the CLI as its own process (about a second, several on a loaded 2-core CI machine).
vi.setConfig({ testTimeout: 120_000 });

describe('guardrail profile files', () => {
  it('reads name, description and the gateway keys under [policy]', () => {
    const f = parseProfileFile('name = "support"\ndescription = "bot"\n[policy]\npii = ["email"]\n[[policy.rules]]\nname = "t"\npattern = "TCK-\\\\d{6}"\n', 'p.toml');
    expect(f).toEqual({ name: 'support', description: 'bot', policy: { pii: ['email'], rules: [{ name: 't', pattern: 'TCK-\\d{6}' }] } });
  });

  it.each([
    ['broken TOML', 'name = "x', 'p.toml is not valid TOML'],
    ['a missing name', '[policy]\npii = []', 'name is missing'],
    ['gateway keys at the top instead of under [policy]', 'name = "x"\npii = ["email"]', 'unknown top-level key "pii"'],
    ['a policy that is not a table', 'name = "x"\npolicy = 3', 'policy must be a table'],
  ])('explains %s', (_what, text, message) => {
    expect(() => parseProfileFile(text, 'p.toml')).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining(message) }));
  });
});

/** The commands as a user runs them: separate processes on a real FOUNDRY_HOME. */
describe('foundry guardrails', () => {
  const home = tempDir();
  const foundry = cliRunner(home.path);
  const file = (name: string, text: string) => {
    const path = join(home.path, name);
    writeFileSync(path, text);
    return path;
  };

  beforeAll(() => {
    expect(foundry(['setup', '-u', 'ada', '--password-stdin'], 'correct horse battery\n').code).toBe(0);
    expect(foundry(['projects', 'create', 'support-bot']).code).toBe(0);
  });
  afterAll(() => home.remove());

  it('creates a profile from a file, assigns it, tries it, shows it and refuses to delete it while in use', () => {
    const created = foundry(['guardrails', 'create', '--file', file('support.toml', 'name = "support"\n[policy]\npii = ["email"]\ndeny = ["project zeus"]\n')]);
    expect(created.code, created.err).toBe(0);
    expect(created.out).toContain('Created guardrail profile support');
    expect(created.out).toContain('PII email → redact, 1 deny term → block');

    expect(foundry(['guardrails', 'assign', 'support-bot', 'support']).out).toContain('Project support-bot now uses guardrail profile support');
    expect(foundry(['guardrails', 'list']).out).toMatch(/support\s+grd_\S+\s+support-bot/);

    const tried = foundry(['guardrails', 'test', 'support', '--input', 'mail jane@corp.com', '--output', 'about Project Zeus']);
    expect(tried.code, tried.err).toBe(0);
    expect(tried.out).toContain('"mail [EMAIL]"');
    expect(tried.out).toContain('redact pii.email ×1 — an email address');
    expect(tried.out).toContain('output: BLOCKED by deny — a term on the deny list; matched "Project Zeus"');

    const shown = foundry(['guardrails', 'show', 'support']);
    expect(shown.out).toContain('used by support-bot');
    expect(parseProfileFile(shown.out, 'shown')).toMatchObject({ name: 'support', policy: { pii: ['email'], deny: ['project zeus'], deny_action: 'block' } });

    const refused = foundry(['guardrails', 'delete', 'support', '--confirm', 'support']);
    expect(refused.code).toBe(6);
    expect(refused.err).toContain('used by project support-bot');
    expect(refused.err).toContain('hint:');
  });

  it('names the bad field of a profile file, and tries an unsaved file without saving it', () => {
    const bad = foundry(['guardrails', 'create', '--file', file('bad.toml', 'name = "bad"\n[[policy.rules]]\nname = "slow"\npattern = "(a+)+$"\n')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('policy.rules.0.pattern: can take exponential time');
    const draft = foundry(['guardrails', 'test', '--file', file('draft.toml', 'name = "draft"\n[policy]\npii = ["card"]\n'), '--input', 'card 4111 1111 1111 1111']);
    expect(draft.out).toContain('"card [CARD]"');
    expect(foundry(['guardrails', 'list', '--json']).out).not.toContain('draft');
  });

  it('removes a project\'s profile with --none, then deletes the profile', () => {
    expect(foundry(['guardrails', 'assign', 'support-bot']).code).toBe(2);
    expect(foundry(['guardrails', 'assign', 'support-bot', '--none']).out).toContain('has no guardrail profile now');
    expect(foundry(['guardrails', 'delete', 'support', '--confirm', 'support']).code).toBe(0);
    expect(foundry(['guardrails', 'show', 'support']).err).toContain('Guardrail profile "support" was not found');
  });
});
