import type { Role } from '../../../main/core/access/permissions';

/** The roles, in order of power. A copy, since the renderer cannot import the core's values; checked below. */
export const ROLE_OPTIONS = ['admin', 'devops', 'developer', 'tester', 'viewer'] as const satisfies readonly Role[];

// Fails to compile if the core adds a role this list lacks.
const _everyRole: Exclude<Role, (typeof ROLE_OPTIONS)[number]> extends never ? true : never = true;
void _everyRole;

export const ROLE_HINTS: Record<Role, string> = {
  admin: 'Everything, including users and the vault',
  devops: 'Clusters, deployments, projects and keys',
  developer: 'Deployments, keys, optimizer and playground',
  tester: 'Playground and evaluations',
  viewer: 'Read-only',
};

export const roleData = ROLE_OPTIONS.map((r) => ({ value: r, label: `${r} — ${ROLE_HINTS[r]}` }));
