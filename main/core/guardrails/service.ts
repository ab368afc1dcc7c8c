/**
 * Guardrail profiles in SQLite and which project uses which. A profile's policy is stored as the
 * gateway's table with defaults filled in (what is shown is what the gateway enforces); render.ts
 * turns profiles and assignments into the gateway config.
 */
import { FoundryError, invalid, notFound } from '../errors';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { newId } from '../access/tokens';
import { seesAllProjects } from '../access/permissions';
import type { ProjectService } from '../access/projects';
import type { User } from '../access/users';
import { checkPolicy, type GuardrailPolicy, type GuardrailPolicyInput } from './policy';

export interface ProjectRef {
  id: string;
  name: string;
}

export interface GuardrailProfile {
  id: string;
  name: string;
  description: string;
  policy: GuardrailPolicy;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  /** Projects using it that the caller may see. */
  projects: ProjectRef[];
  /** All projects using it, seen or not. */
  projectCount: number;
}

export interface GuardrailAssignment {
  project: ProjectRef;
  profile: { id: string; name: string } | null;
}

interface Row {
  id: string;
  name: string;
  description: string;
  policy: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export function createGuardrailService(db: Db, projects: ProjectService) {
  const byId = db.prepare<[string], Row>('SELECT * FROM guardrail_profiles WHERE id = ?');
  const usersOf = db.prepare<[string, string], ProjectRef & { member: number }>(
    `SELECT p.id, p.name, EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = ?) AS member
     FROM project_guardrails g JOIN projects p ON p.id = g.project_id WHERE g.profile_id = ? ORDER BY p.name`,
  );

  function toProfile(r: Row, viewer: User | null): GuardrailProfile {
    const all = usersOf.all(viewer?.id ?? '', r.id);
    const visible = all.filter((p) => !viewer || seesAllProjects(viewer.role) || p.member === 1).map(({ id, name }) => ({ id, name }));
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      policy: JSON.parse(r.policy) as GuardrailPolicy,
      createdAt: r.created_at,
      createdBy: r.created_by,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
      projects: visible,
      projectCount: all.length,
    };
  }

  function row(id: string): Row {
    const r = byId.get(id);
    if (!r) throw notFound(`Guardrail profile ${id}`, 'Run `foundry guardrails list` (or open the Guardrails page) for the profiles that exist.');
    return r;
  }

  function ensureNameFree(name: string, exceptId: string | null): void {
    const clash = db.prepare<[string], { id: string; name: string }>('SELECT id, name FROM guardrail_profiles WHERE name = ?').get(name);
    if (clash && clash.id !== exceptId) {
      throw new FoundryError({
        code: 'CONFLICT',
        message: `A guardrail profile named "${clash.name}" already exists (names are case-insensitive).`,
        hint: 'Pick another name, or edit the existing profile.',
        details: [{ path: ['name'], message: 'is taken' }],
      });
    }
  }

  const service = {
    list(viewer: User): GuardrailProfile[] {
      return db.prepare<[], Row>('SELECT * FROM guardrail_profiles ORDER BY name').all().map((r) => toProfile(r, viewer));
    },

    get(id: string, viewer: User | null): GuardrailProfile {
      return toProfile(row(id), viewer);
    },

    create(input: { name: string; description?: string; policy: GuardrailPolicyInput }, actor: User): GuardrailProfile {
      ensureNameFree(input.name, null);
      const policy = checkPolicy(input.name, input.policy);
      const id = newId('grd');
      const now = nowIso();
      db.prepare(
        'INSERT INTO guardrail_profiles (id, name, description, policy, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(id, input.name, input.description ?? '', JSON.stringify(policy), now, actor.username, now, actor.username);
      return toProfile(row(id), actor);
    },

    update(id: string, patch: { name?: string; description?: string; policy?: GuardrailPolicyInput }, actor: User): GuardrailProfile {
      const current = row(id);
      const name = patch.name ?? current.name;
      if (name !== current.name) ensureNameFree(name, id);
      // The stored policy is re-checked under a new name too: rule errors name the profile.
      const policy = checkPolicy(name, patch.policy ?? (JSON.parse(current.policy) as GuardrailPolicy));
      db.prepare('UPDATE guardrail_profiles SET name = ?, description = ?, policy = ?, updated_at = ?, updated_by = ? WHERE id = ?').run(
        name,
        patch.description ?? current.description,
        JSON.stringify(policy),
        nowIso(),
        actor.username,
        id,
      );
      return toProfile(row(id), actor);
    },

    remove(id: string, confirmName: string, actor: User): GuardrailProfile {
      const profile = toProfile(row(id), null);
      if (confirmName !== profile.name) {
        throw invalid(`To delete guardrail profile "${profile.name}", type its name exactly; "${confirmName}" does not match.`);
      }
      if (profile.projectCount > 0) {
        const names = profile.projects.map((p) => p.name).join(', ');
        throw new FoundryError({
          code: 'FAILED_PRECONDITION',
          message: `Guardrail profile "${profile.name}" is used by ${profile.projectCount === 1 ? 'project' : 'projects'} ${names}; it was not deleted.`,
          hint: 'Assign those projects another profile (or none) first, then delete it.',
        });
      }
      db.prepare('DELETE FROM guardrail_profiles WHERE id = ?').run(id);
      return { ...profile, projects: [], projectCount: 0, updatedBy: actor.username };
    },

    /** Gives a project a profile, or takes it away with profileId null. */
    assign(projectId: string, profileId: string | null, actor: User): GuardrailAssignment {
      const project = projects.requireVisible(projectId, actor);
      if (profileId === null) {
        db.prepare('DELETE FROM project_guardrails WHERE project_id = ?').run(projectId);
        return { project: { id: project.id, name: project.name }, profile: null };
      }
      const profile = row(profileId);
      db.prepare(
        `INSERT INTO project_guardrails (project_id, profile_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (project_id) DO UPDATE SET profile_id = excluded.profile_id, assigned_at = excluded.assigned_at, assigned_by = excluded.assigned_by`,
      ).run(projectId, profileId, nowIso(), actor.username);
      return { project: { id: project.id, name: project.name }, profile: { id: profile.id, name: profile.name } };
    },
  };
  return service;
}

export type GuardrailService = ReturnType<typeof createGuardrailService>;

/** Every profile and every project's profile, by name: what the gateway config needs. */
export function guardrailsForGateway(db: Db): { profiles: Record<string, GuardrailPolicy>; projects: Map<string, string> } {
  const profiles = Object.fromEntries(
    db
      .prepare<[], { name: string; policy: string }>('SELECT name, policy FROM guardrail_profiles ORDER BY name')
      .all()
      .map((r) => [r.name, JSON.parse(r.policy) as GuardrailPolicy]),
  );
  const assigned = db
    .prepare<[], { project: string; profile: string }>(
      'SELECT p.name AS project, g.name AS profile FROM project_guardrails a JOIN projects p ON p.id = a.project_id JOIN guardrail_profiles g ON g.id = a.profile_id',
    )
    .all();
  return { profiles, projects: new Map(assigned.map((a) => [a.project, a.profile])) };
}
