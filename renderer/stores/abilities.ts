/**
 * What the signed-in user may do, used only to hide buttons the core would refuse anyway (the core
 * checks every call). The permissions come from the core with the session (auth:status / signIn).
 */
import type { Permission } from '../../main/core/access/permissions';
import type { SignedInUser } from '../../main/core/channels';
import { useSession } from './session';

export function userCan(user: Pick<SignedInUser, 'permissions'> | null | undefined, permission: Permission): boolean {
  return user?.permissions.includes(permission) ?? false;
}

export const useCan = (permission: Permission): boolean => useSession((s) => userCan(s.user, permission));
