import { vi, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../core/testing/harness';
import { cliRunner } from './testing';

// Each step runs the CLI as its own process (about a second, several on a loaded 2-core CI machine).
vi.setConfig({ testTimeout: 120_000 });

/** The CLI as a user runs it: a separate process on a real FOUNDRY_HOME. */
const home = tempDir();

const foundry = cliRunner(home.path);

beforeAll(() => {
  const r = foundry(['setup', '-u', 'ada', '--password-stdin'], 'correct horse battery\n');
  expect(r.code, r.err).toBe(0);
});
afterAll(() => home.remove());

describe('foundry CLI', () => {
  it('prints help listing the command groups', () => {
    const r = foundry(['--help']);
    expect(r.code).toBe(0);
    for (const group of ['setup', 'login', 'users', 'projects', 'apikeys', 'audit', 'jobs', 'vault', 'call']) expect(r.out).toContain(group);
  });

  it('creates a project and refuses a duplicate with a clear message and exit code', () => {
    expect(foundry(['projects', 'create', 'fraud-detection']).code).toBe(0);
    const dup = foundry(['projects', 'create', 'fraud-detection']);
    expect(dup.code).toBe(5);
    expect(dup.err).toContain('already exists');
    expect(dup.err).toContain('hint:');
    expect(dup.err).not.toMatch(/\n\s+at /);
  });

  it('names an unknown project instead of reporting an internal error', () => {
    const r = foundry(['apikeys', 'list', '-p', 'no-such-project']);
    expect(r.code).toBe(4);
    expect(r.err).toContain('Project "no-such-project" was not found');
    expect(r.err).toContain('foundry projects list');
  });

  it('shows an API key once and lists it afterwards only by prefix', () => {
    const created = foundry(['apikeys', 'create', 'ci', '-p', 'fraud-detection', '--budget', '1000000', '--json']);
    expect(created.code, created.err).toBe(0);
    const { secret, key } = JSON.parse(created.out) as { secret: string; key: { prefix: string } };
    expect(secret).toMatch(/^fdy_/);
    const list = foundry(['apikeys', 'list', '-p', 'fraud-detection']);
    expect(list.out).toContain(key.prefix);
    expect(list.out).not.toContain(secret);
  });

  it('verifies the audit chain, and reports the first broken record after tampering', () => {
    const ok = foundry(['audit', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^OK: \d+ records, head [0-9a-f]{64}/);
    const db = new Database(join(home.path, 'foundry.db'));
    db.prepare(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`).run();
    db.close();
    const broken = foundry(['audit', 'verify']);
    expect(broken.code).toBe(11);
    expect(broken.out).toContain('BROKEN at record 2');
  });

  it('rejects bad input through the generic call with INVALID_INPUT', () => {
    const r = foundry(['call', 'projects:create', '{"name":"Bad Name"}']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Invalid input for projects:create');
    expect(foundry(['call', 'projects:create', '{oops']).err).toContain('not valid JSON');
  });

  it('signs out and then refuses with a hint to sign in', () => {
    expect(foundry(['logout']).code).toBe(0);
    const r = foundry(['projects', 'list']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/sign in/i);
    expect(foundry(['login', '-u', 'ada', '--password-stdin'], 'correct horse battery\n').code).toBe(0);
  });
});
