import { describe, expect, it } from 'vitest';
import { hashOf, parseRoute } from './router';

describe('parseRoute', () => {
  it('reads a known route from the hash', () => {
    expect(parseRoute('#/api-keys')).toBe('api-keys');
    expect(parseRoute('#/audit?x=1')).toBe('audit');
    expect(parseRoute('#projects/abc')).toBe('projects');
  });

  it('falls back to the dashboard for an empty or unknown hash', () => {
    expect(parseRoute('')).toBe('dashboard');
    expect(parseRoute('#/nope')).toBe('dashboard');
    expect(parseRoute('#token=abc')).toBe('dashboard');
  });

  it('round-trips every route through its hash', () => {
    expect(parseRoute(hashOf('settings'))).toBe('settings');
  });
});
