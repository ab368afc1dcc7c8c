import { describe, expect, it } from 'vitest';
import { roleCan } from './abilities';

describe('roleCan', () => {
  it('lets only admins manage users and the vault', () => {
    expect(roleCan('admin', 'user:manage')).toBe(true);
    expect(roleCan('devops', 'user:manage')).toBe(false);
    expect(roleCan('devops', 'vault:manage')).toBe(false);
  });

  it('lets developers manage API keys but not projects', () => {
    expect(roleCan('developer', 'apikey:manage')).toBe(true);
    expect(roleCan('developer', 'project:manage')).toBe(false);
  });

  it('allows nothing when signed out', () => {
    expect(roleCan(undefined, 'audit:view')).toBe(false);
  });
});
