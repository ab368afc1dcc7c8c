import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDatabase, type Db } from '../store/db';
import { createAuditLog, GENESIS_HASH, hashRecord, type AuditLog } from './chain';
import { canonicalJson } from './canonical';
import { tempDir } from '../testing/harness';

let dir: ReturnType<typeof tempDir>;
let db: Db;
let log: AuditLog;

beforeEach(() => {
  dir = tempDir();
  db = openDatabase(join(dir.path, 'foundry.db'));
  log = createAuditLog(db);
  for (let i = 1; i <= 5; i++) log.append({ actor: 'ada', action: 'projects:create', target: `prj_${i}`, details: { name: `p${i}` } });
});
afterEach(() => {
  db.close();
  dir.remove();
});

describe('audit chain', () => {
  it('links each record to the one before it, from the genesis hash', () => {
    const [newest, ...rest] = log.list();
    const oldest = rest.at(-1)!;
    expect(oldest.prevHash).toBe(GENESIS_HASH);
    expect(newest!.prevHash).toBe(rest[0]!.hash);
    expect(log.verify()).toEqual({ ok: true, count: 5, headHash: newest!.hash });
    expect(log.head()).toEqual({ seq: 5, hash: newest!.hash });
  });

  it('detects an edited record', () => {
    db.prepare(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`).run();
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringContaining('modified') });
  });

  it('detects edited details even when the JSON stays valid', () => {
    db.prepare(`UPDATE audit_log SET details = ? WHERE seq = 2`).run(canonicalJson({ name: 'other' }));
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('detects a deleted record', () => {
    db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringContaining('missing') });
  });

  it('detects a deleted tail only against an exported head', () => {
    const head = log.head();
    db.prepare('DELETE FROM audit_log WHERE seq = 5').run();
    const result = log.verify();
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.headHash).not.toBe(head.hash);
  });

  it('detects an inserted record, even one with a correctly computed own hash', () => {
    db.prepare('UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3').run();
    db.prepare('UPDATE audit_log SET seq = seq - 999 WHERE seq >= 1000').run();
    const prev = db.prepare('SELECT hash FROM audit_log WHERE seq = 2').get() as { hash: string };
    const body = { seq: 3, at: '2026-01-01T00:00:00.000Z', actor: 'mallory', action: 'users:create', target: null, details: {}, prevHash: prev.hash };
    db.prepare(
      `INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash) VALUES (3, @at, @actor, @action, NULL, '{}', @prevHash, @hash)`,
    ).run({ ...body, hash: hashRecord(body) });
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 4, reason: expect.stringContaining('does not link') });
  });

  it('detects two records swapped', () => {
    const a = db.prepare('SELECT * FROM audit_log WHERE seq = 2').get() as Record<string, unknown>;
    const b = db.prepare('SELECT * FROM audit_log WHERE seq = 3').get() as Record<string, unknown>;
    const put = db.prepare('UPDATE audit_log SET at = @at, actor = @actor, action = @action, target = @target, details = @details, prev_hash = @prev_hash, hash = @hash WHERE seq = @seq');
    put.run({ ...b, seq: 2 });
    put.run({ ...a, seq: 3 });
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('keeps one unbroken chain when two connections append alternately', () => {
    const other = createAuditLog(openDatabase(join(dir.path, 'foundry.db')));
    for (let i = 0; i < 20; i++) (i % 2 ? log : other).append({ actor: 'x', action: 'a' });
    expect(log.verify()).toMatchObject({ ok: true, count: 25 });
  });
});

describe('canonicalJson', () => {
  it('does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
  });
});
