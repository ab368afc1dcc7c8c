import { describe, expect, it } from 'vitest';
import { userCan } from './abilities';

describe('userCan', () => {
  it('follows the permissions the core sent with the session', () => {
    expect(userCan({ permissions: ['apikey:manage', 'project:view'] }, 'apikey:manage')).toBe(true);
    expect(userCan({ permissions: ['project:view'] }, 'project:manage')).toBe(false);
  });

  it('allows nothing without a signed-in user', () => {
    expect(userCan(null, 'audit:view')).toBe(false);
    expect(userCan(undefined, 'project:view')).toBe(false);
  });
});
