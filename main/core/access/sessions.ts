import { FoundryError } from '../errors';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { randomToken, sha256Hex } from './tokens';
import type { User } from './users';
import type { Role } from './permissions';

/** Sign-in sessions. Only the SHA-256 of a token is stored, so the database alone cannot be used to sign in. */
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export function createSessionService(db: Db, now: () => number = Date.now) {
  return {
    issue(userId: string, transport: string): { token: string; expiresAt: string } {
      const token = randomToken();
      const expiresAt = new Date(now() + SESSION_TTL_MS).toISOString();
      db.prepare('INSERT INTO sessions (token_hash, user_id, transport, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(
        sha256Hex(token),
        userId,
        transport,
        nowIso(),
        expiresAt,
      );
      return { token, expiresAt };
    },

    resolve(token: string | undefined): User {
      if (!token) {
        throw new FoundryError({ code: 'UNAUTHENTICATED', message: 'You are not signed in.', hint: 'Sign in first.' });
      }
      const row = db
        .prepare<[string], { expires_at: string; id: string; username: string; display_name: string; role: Role; disabled: number; created_at: string }>(
          `SELECT s.expires_at, u.id, u.username, u.display_name, u.role, u.disabled, u.created_at
           FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
        )
        .get(sha256Hex(token));
      if (!row || row.disabled === 1) {
        throw new FoundryError({ code: 'UNAUTHENTICATED', message: 'Your session is no longer valid.', hint: 'Sign in again.' });
      }
      if (Date.parse(row.expires_at) <= now()) {
        db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(sha256Hex(token));
        throw new FoundryError({ code: 'EXPIRED', message: 'Your session has expired.', hint: 'Sign in again.' });
      }
      return {
        id: row.id,
        username: row.username,
        displayName: row.display_name,
        role: row.role,
        disabled: false,
        createdAt: row.created_at,
      };
    },

    revoke(token: string): void {
      db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(sha256Hex(token));
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
