import { createHash } from 'node:crypto';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { canonicalJson } from './canonical';

/**
 * The tamper-evident audit log. Each record's hash covers its content and the previous record's
 * hash, so editing, deleting, inserting or reordering any record breaks verification from that
 * point on. The head hash can be exported and kept elsewhere to anchor the chain.
 */

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type VerifyResult =
  | { ok: true; count: number; headHash: string }
  | { ok: false; count: number; brokenAt: number; reason: string };

interface Row {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(record)).digest('hex');
}

function fromRow(row: Row): AuditRecord {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface AuditLog {
  append(entry: AuditEntry): AuditRecord;
  list(options?: { beforeSeq?: number; limit?: number; action?: string }): AuditRecord[];
  head(): { seq: number; hash: string };
  verify(): VerifyResult;
}

export function createAuditLog(db: Db): AuditLog {
  const last = db.prepare<[], Row>('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare(
    'INSERT INTO audit_log (seq, at, actor, action, target, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );

  // IMMEDIATE takes the write lock before reading the head, so two processes (app and CLI)
  // appending at once still produce one unbroken chain.
  const appendTx = db.transaction((entry: AuditEntry): AuditRecord => {
    const prev = last.get();
    const body = {
      seq: (prev?.seq ?? 0) + 1,
      at: nowIso(),
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      details: entry.details ?? {},
      prevHash: prev?.hash ?? GENESIS_HASH,
    };
    const hash = hashRecord(body);
    insert.run(body.seq, body.at, body.actor, body.action, body.target, canonicalJson(body.details), body.prevHash, hash);
    return { ...body, hash };
  });

  return {
    append: (entry) => appendTx.immediate(entry),

    list({ beforeSeq, limit = 100, action } = {}) {
      const rows = db
        .prepare<[number, string | null, string | null, number], Row>(
          `SELECT * FROM audit_log WHERE seq < ? AND (? IS NULL OR action = ?) ORDER BY seq DESC LIMIT ?`,
        )
        .all(beforeSeq ?? Number.MAX_SAFE_INTEGER, action ?? null, action ?? null, limit);
      return rows.map(fromRow);
    },

    head() {
      const row = last.get();
      return { seq: row?.seq ?? 0, hash: row?.hash ?? GENESIS_HASH };
    },

    verify() {
      let expectedPrev = GENESIS_HASH;
      let expectedSeq = 1;
      let count = 0;
      for (const row of db.prepare<[], Row>('SELECT * FROM audit_log ORDER BY seq ASC').iterate()) {
        const problem = checkRow(row, expectedSeq, expectedPrev);
        if (problem) return { ok: false, count, brokenAt: row.seq, reason: problem };
        expectedPrev = row.hash;
        expectedSeq = row.seq + 1;
        count++;
      }
      return { ok: true, count, headHash: expectedPrev };
    },
  };
}

function checkRow(row: Row, expectedSeq: number, expectedPrev: string): string | null {
  if (row.seq !== expectedSeq) {
    return row.seq > expectedSeq
      ? `record ${expectedSeq} is missing (next is ${row.seq})`
      : `record ${row.seq} is out of order`;
  }
  if (row.prev_hash !== expectedPrev) return `record ${row.seq} does not link to the record before it`;
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(row.details) as Record<string, unknown>;
  } catch {
    return `record ${row.seq} has unreadable details`;
  }
  const { hash, ...rest } = fromRow({ ...row, details: JSON.stringify(details) });
  if (hashRecord(rest) !== hash) return `record ${row.seq} was modified after it was written`;
  return null;
}
