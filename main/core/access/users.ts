import { FoundryError, invalid, notFound } from '../errors';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import type { Role } from './permissions';
import { newId } from './tokens';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  disabled: number;
  created_at: string;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
});

// A real hash of a random password, so a sign-in for an unknown user costs the same scrypt time
// as a wrong password and does not reveal which usernames exist.
const DUMMY_HASH = hashPassword(`dummy-${Math.random()}`);

export function createUserService(db: Db) {
  const byName = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');

  function requireUser(id: string): UserRow {
    const row = byId.get(id);
    if (!row) throw notFound(`User ${id}`);
    return row;
  }

  function countActiveAdmins(): number {
    return (db.prepare(`SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0`).get() as { n: number }).n;
  }

  return {
    count(): number {
      return (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
    },

    list(): User[] {
      return db.prepare<[], UserRow>('SELECT * FROM users ORDER BY username').all().map(toUser);
    },

    get(id: string): User {
      return toUser(requireUser(id));
    },

    async create(input: { username: string; displayName?: string; password: string; role: Role }): Promise<User> {
      const problem = passwordProblem(input.password);
      if (problem) throw invalid(problem);
      if (byName.get(input.username)) {
        throw new FoundryError({
          code: 'CONFLICT',
          message: `A user named "${input.username}" already exists.`,
          hint: 'Choose another username.',
        });
      }
      const hash = await hashPassword(input.password);
      const row: UserRow = {
        id: newId('usr'),
        username: input.username,
        display_name: input.displayName?.trim() || input.username,
        password_hash: hash,
        role: input.role,
        disabled: 0,
        created_at: nowIso(),
      };
      db.prepare(
        'INSERT INTO users (id, username, display_name, password_hash, role, disabled, created_at) VALUES (@id, @username, @display_name, @password_hash, @role, @disabled, @created_at)',
      ).run(row);
      return toUser(row);
    },

    update(id: string, patch: { role?: Role; disabled?: boolean; displayName?: string }): User {
      const row = requireUser(id);
      const demotes = row.role === 'admin' && ((patch.role && patch.role !== 'admin') || patch.disabled === true);
      if (demotes && row.disabled === 0 && countActiveAdmins() <= 1) {
        throw new FoundryError({
          code: 'FAILED_PRECONDITION',
          message: `${row.username} is the last active admin; Foundry needs at least one.`,
          hint: 'Make another user an admin first.',
        });
      }
      db.prepare('UPDATE users SET role = ?, disabled = ?, display_name = ? WHERE id = ?').run(
        patch.role ?? row.role,
        patch.disabled === undefined ? row.disabled : patch.disabled ? 1 : 0,
        patch.displayName?.trim() || row.display_name,
        id,
      );
      if (patch.disabled) db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
      return toUser(requireUser(id));
    },

    async setPassword(id: string, password: string): Promise<void> {
      requireUser(id);
      const problem = passwordProblem(password);
      if (problem) throw invalid(problem);
      db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(await hashPassword(password), id);
      db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
    },

    /** Returns the user when the password matches an enabled account, else null (same cost either way). */
    async authenticate(username: string, password: string): Promise<User | null> {
      const row = byName.get(username);
      const matches = await verifyPassword(password, row?.password_hash ?? (await DUMMY_HASH));
      if (!row || !matches || row.disabled === 1) return null;
      return toUser(row);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
