/**
 * What the signed-in role may do, used only to hide buttons the core would refuse anyway (the core
 * checks every call). The renderer may not import the core's permission table as a value, so this
 * mirrors the few permissions the UI asks about; the type ties each name to the core's Permission.
 */
import type { Permission, Role } from '../../main/core/access/permissions';
import { useSession } from './session';

type Asked = Extract<Permission, 'project:manage' | 'user:view' | 'user:manage' | 'apikey:manage' | 'audit:view' | 'vault:manage' | 'job:manage'>;

const ALLOWED: Record<Asked, readonly Role[]> = {
  'project:manage': ['admin', 'devops'],
  'user:view': ['admin', 'devops'],
  'user:manage': ['admin'],
  'apikey:manage': ['admin', 'devops', 'developer'],
  'audit:view': ['admin', 'devops'],
  'vault:manage': ['admin'],
  'job:manage': ['admin', 'devops', 'developer'],
};

export function roleCan(role: Role | undefined, permission: Asked): boolean {
  return role !== undefined && ALLOWED[permission].includes(role);
}

export const useCan = (permission: Asked): boolean => useSession((s) => roleCan(s.user?.role, permission));
