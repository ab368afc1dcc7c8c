/**
 * Roles and what they may do. Checked in the core on every channel call; the UI only hides what
 * the core would refuse anyway.
 */
export const PERMISSIONS = [
  'user:view',
  'user:manage',
  'project:view',
  'project:manage',
  'apikey:view',
  'apikey:manage',
  'audit:view',
  'job:view',
  'job:manage',
  'settings:view',
  'vault:manage',
  'cluster:view',
  'cluster:manage',
  'model:view',
  'model:manage',
  'deployment:view',
  'deployment:manage',
  'optimizer:run',
  'guardrail:view',
  'guardrail:manage',
  'playground:use',
  'evaluation:run',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'devops', 'developer', 'tester', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const VIEW: Permission[] = PERMISSIONS.filter((p) => p.endsWith(':view'));

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  devops: new Set<Permission>([
    ...VIEW,
    'project:manage',
    'apikey:manage',
    'job:manage',
    'cluster:manage',
    'model:manage',
    'deployment:manage',
    'optimizer:run',
    'guardrail:manage',
    'playground:use',
    'evaluation:run',
  ]),
  developer: new Set<Permission>([
    ...VIEW.filter((p) => p !== 'audit:view' && p !== 'user:view'),
    'apikey:manage',
    'job:manage',
    'deployment:manage',
    'optimizer:run',
    'playground:use',
    'evaluation:run',
  ]),
  tester: new Set<Permission>([
    ...VIEW.filter((p) => p !== 'audit:view' && p !== 'user:view'),
    'playground:use',
    'evaluation:run',
  ]),
  viewer: new Set<Permission>(VIEW.filter((p) => p !== 'audit:view' && p !== 'user:view')),
};

export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((p) => ROLE_PERMISSIONS[role].has(p));
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** Admins and devops see every project; the other roles see the projects they are members of. */
export function seesAllProjects(role: Role): boolean {
  return role === 'admin' || role === 'devops';
}
