import { FoundryError, invalid, notFound } from '../errors';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import type { ProjectLimits } from './limits';
import { seesAllProjects } from './permissions';
import { newId } from './tokens';
import type { User } from './users';

export interface Project extends ProjectLimits {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  createdBy: string;
  memberCount: number;
  apiKeyCount: number;
}

/** Absent: keep; null: no limit. */
export type ProjectLimitsPatch = Partial<ProjectLimits>;

interface ProjectRow {
  id: string;
  name: string;
  description: string;
  created_at: string;
  created_by: string;
  member_count: number;
  api_key_count: number;
  requests_per_minute: number | null;
  tokens_per_minute: number | null;
  monthly_token_budget: number | null;
  log_bodies: number;
}

const SELECT = `
  SELECT p.*,
    (SELECT COUNT(*) FROM project_members m WHERE m.project_id = p.id) AS member_count,
    (SELECT COUNT(*) FROM api_keys k WHERE k.project_id = p.id AND k.revoked_at IS NULL) AS api_key_count
  FROM projects p`;

const toProject = (r: ProjectRow): Project => ({
  id: r.id,
  name: r.name,
  description: r.description,
  createdAt: r.created_at,
  createdBy: r.created_by,
  memberCount: r.member_count,
  apiKeyCount: r.api_key_count,
  requestsPerMinute: r.requests_per_minute,
  tokensPerMinute: r.tokens_per_minute,
  monthlyTokenBudget: r.monthly_token_budget,
  logBodies: r.log_bodies === 1,
});

/** A project's limits alone (what audit records compare). */
export const limitsOf = (p: ProjectLimits): ProjectLimits => ({
  requestsPerMinute: p.requestsPerMinute,
  tokensPerMinute: p.tokensPerMinute,
  monthlyTokenBudget: p.monthlyTokenBudget,
  logBodies: p.logBodies,
});

export function createProjectService(db: Db) {
  const byId = db.prepare<[string], ProjectRow>(`${SELECT} WHERE p.id = ?`);

  function isMember(projectId: string, userId: string): boolean {
    return !!db.prepare('SELECT 1 FROM project_members WHERE project_id = ? AND user_id = ?').get(projectId, userId);
  }

  const service = {
    /** Throws NOT_FOUND (not FORBIDDEN) for projects the user may not see, so their names do not leak. */
    requireVisible(projectId: string, user: User): Project {
      const row = byId.get(projectId);
      if (!row || (!seesAllProjects(user.role) && !isMember(projectId, user.id))) throw notFound(`Project ${projectId}`);
      return toProject(row);
    },

    list(user: User): Project[] {
      const rows = seesAllProjects(user.role)
        ? db.prepare<[], ProjectRow>(`${SELECT} ORDER BY p.name`).all()
        : db
            .prepare<[string], ProjectRow>(
              `${SELECT} WHERE p.id IN (SELECT project_id FROM project_members WHERE user_id = ?) ORDER BY p.name`,
            )
            .all(user.id);
      return rows.map(toProject);
    },

    create(input: { name: string; description?: string }, actor: User): Project {
      const existing = db.prepare<[string], { name: string }>('SELECT name FROM projects WHERE name = ?').get(input.name);
      if (existing) {
        throw new FoundryError({
          code: 'CONFLICT',
          message: `A project named "${existing.name}" already exists (names are case-insensitive).`,
          hint: 'Pick another name, or open the existing project.',
        });
      }
      const id = newId('prj');
      db.transaction(() => {
        db.prepare('INSERT INTO projects (id, name, description, created_at, created_by) VALUES (?, ?, ?, ?, ?)').run(
          id,
          input.name,
          input.description ?? '',
          nowIso(),
          actor.id,
        );
        db.prepare('INSERT INTO project_members (project_id, user_id, added_at) VALUES (?, ?, ?)').run(id, actor.id, nowIso());
      })();
      return toProject(byId.get(id)!);
    },

    update(projectId: string, patch: { description?: string }, actor: User): Project {
      service.requireVisible(projectId, actor);
      if (patch.description !== undefined) {
        db.prepare('UPDATE projects SET description = ? WHERE id = ?').run(patch.description, projectId);
      }
      return toProject(byId.get(projectId)!);
    },

    /** Sets the limits the gateway enforces for the project and whether its bodies are logged; absent fields keep their value. */
    setLimits(projectId: string, patch: ProjectLimitsPatch, actor: User): Project {
      const current = service.requireVisible(projectId, actor);
      const next = { ...limitsOf(current), ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as ProjectLimits;
      db.prepare('UPDATE projects SET requests_per_minute = ?, tokens_per_minute = ?, monthly_token_budget = ?, log_bodies = ? WHERE id = ?').run(
        next.requestsPerMinute,
        next.tokensPerMinute,
        next.monthlyTokenBudget,
        next.logBodies ? 1 : 0,
        projectId,
      );
      return toProject(byId.get(projectId)!);
    },

    remove(projectId: string, confirmName: string, actor: User): Project {
      const project = service.requireVisible(projectId, actor);
      if (confirmName !== project.name) {
        throw invalid(
          `To delete project "${project.name}", type its name exactly; "${confirmName}" does not match.`,
          'Deleting a project revokes its API keys and removes its members. It cannot be undone.',
        );
      }
      db.prepare('DELETE FROM projects WHERE id = ?').run(projectId);
      return project;
    },

    members(projectId: string, actor: User): { userId: string; username: string; role: string; addedAt: string }[] {
      service.requireVisible(projectId, actor);
      return db
        .prepare<[string], { userId: string; username: string; role: string; addedAt: string }>(
          `SELECT u.id AS userId, u.username, u.role, m.added_at AS addedAt
           FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = ? ORDER BY u.username`,
        )
        .all(projectId);
    },

    addMember(projectId: string, userId: string, actor: User): void {
      service.requireVisible(projectId, actor);
      if (!db.prepare('SELECT 1 FROM users WHERE id = ?').get(userId)) throw notFound(`User ${userId}`);
      db.prepare('INSERT OR IGNORE INTO project_members (project_id, user_id, added_at) VALUES (?, ?, ?)').run(
        projectId,
        userId,
        nowIso(),
      );
    },

    removeMember(projectId: string, userId: string, actor: User): void {
      service.requireVisible(projectId, actor);
      db.prepare('DELETE FROM project_members WHERE project_id = ? AND user_id = ?').run(projectId, userId);
    },
  };
  return service;
}

export type ProjectService = ReturnType<typeof createProjectService>;
