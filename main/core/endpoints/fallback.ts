/**
 * Fallback chains. An endpoint may name one other endpoint to try when its own upstream fails
 * (5xx, timeout, connection error, 429); that one may name another, and so on. The gateway gets
 * the whole chain as the model's ordered targets. Two rules keep chains sound:
 * - no cycles (a chain must end);
 * - a fallback serves at least every project its endpoint serves, or a project could reach,
 *   through the fallback, a model it was not given.
 */
import type { EndpointRow, EndpointStore, ProjectScope } from './store';
import type { FieldIssue } from './validate';

/** The endpoints after `row` in its chain, in order. Stops at a repeat (which the rules prevent). */
export function chainAfter(row: EndpointRow, get: (id: string) => EndpointRow | undefined): EndpointRow[] {
  const out: EndpointRow[] = [];
  const seen = new Set([row.id]);
  for (let next = row.fallback_id ? get(row.fallback_id) : undefined; next && !seen.has(next.id); next = next.fallback_id ? get(next.fallback_id) : undefined) {
    seen.add(next.id);
    out.push(next);
  }
  return out;
}

/** Whether `outer` admits every project `inner` admits. */
export function covers(outer: ProjectScope, inner: ProjectScope): boolean {
  if (outer === null) return true;
  if (inner === null) return false;
  for (const p of inner) if (!outer.has(p)) return false;
  return true;
}

export interface Candidate {
  /** null while creating. */
  id: string | null;
  name: string;
  scope: ProjectScope;
  fallbackId: string | null;
}

const scopeWords = (scope: ProjectScope, names: (ids: Iterable<string>) => string) => (scope === null ? 'every project' : `only ${names(scope) || 'no project'}`);

/** Checks the candidate's own fallback and, on an update, the endpoints that fall back to it. */
export function checkFallback(store: EndpointStore, c: Candidate, projectNames: (ids: Iterable<string>) => string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (c.fallbackId !== null) {
    const fb = store.get(c.fallbackId);
    if (!fb) issues.push({ path: ['fallbackId'], message: `names an endpoint that does not exist (${c.fallbackId}); pick one from the list` });
    else if (fb.id === c.id) issues.push({ path: ['fallbackId'], message: 'cannot be the endpoint itself' });
    else {
      const loop = c.id !== null && chainAfter(fb, store.get).some((r) => r.id === c.id);
      if (loop) issues.push({ path: ['fallbackId'], message: `would make a loop: ${fb.name} already falls back, directly or through others, to ${c.name}` });
      const fbScope = store.scope(fb);
      if (!covers(fbScope, c.scope)) {
        issues.push({
          path: ['fallbackId'],
          message: `${fb.name} serves ${scopeWords(fbScope, projectNames)}, but ${c.name} would serve ${scopeWords(c.scope, projectNames)}; a fallback must serve every project its endpoint serves`,
        });
      }
    }
  }
  if (c.id !== null) {
    for (const user of store.fallbackFor(c.id)) {
      const userScope = store.scope(store.get(user.id)!);
      if (!covers(c.scope, userScope)) {
        issues.push({
          path: ['projectIds'],
          message: `${user.name} falls back to ${c.name} and serves ${scopeWords(userScope, projectNames)}; ${c.name} must keep serving those projects (or change ${user.name}'s fallback first)`,
        });
      }
    }
  }
  return issues;
}
