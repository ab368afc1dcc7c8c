/**
 * The endpoints table and its project list, and the mapping from rows to what channels return.
 * Nothing here touches the vault: a row only names the secret that holds its key.
 */
import type { Db } from '../store/db';
import type { User } from '../access/users';
import { seesAllProjects } from '../access/permissions';
import { checkCaBundle } from '../../../gateway/src/config/index';
import type { Endpoint, EndpointCaCertificate, EndpointKind, EndpointTestResult, ProjectRef } from './types';

export interface EndpointRow {
  id: string;
  name: string;
  kind: EndpointKind;
  base_url: string;
  upstream_model: string;
  api_version: string | null;
  key_secret_id: string | null;
  key_revision: number;
  key_updated_at: string | null;
  /** PEM, checked on the way in (gateway/src/config/ca-bundle.ts); null: the system roots. */
  ca_bundle: string | null;
  all_projects: number;
  fallback_id: string | null;
  requests_per_minute: number | null;
  tokens_per_minute: number | null;
  last_test: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

/** The certificates of a stored bundle, for display; dates are not judged here (an expired CA still shows). */
function caCertificates(pem: string | null): EndpointCaCertificate[] | null {
  if (pem === null) return null;
  const parsed = checkCaBundle(pem);
  return parsed.ok ? parsed.certificates : [];
}

/** null: every project; otherwise the ids of the projects allowed. */
export type ProjectScope = ReadonlySet<string> | null;

export function createEndpointStore(db: Db) {
  const byId = db.prepare<[string], EndpointRow>('SELECT * FROM endpoints WHERE id = ?');
  const byName = db.prepare<[string], EndpointRow>('SELECT * FROM endpoints WHERE name = ?');
  const all = db.prepare<[], EndpointRow>('SELECT * FROM endpoints ORDER BY name');
  const projectsOf = db.prepare<[string, string], ProjectRef & { member: number }>(
    `SELECT p.id, p.name, EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = ?) AS member
     FROM endpoint_projects e JOIN projects p ON p.id = e.project_id WHERE e.endpoint_id = ? ORDER BY p.name`,
  );
  const fallbackFor = db.prepare<[string], { id: string; name: string }>('SELECT id, name FROM endpoints WHERE fallback_id = ? ORDER BY name');

  const store = {
    get: (id: string): EndpointRow | undefined => byId.get(id),
    getByName: (name: string): EndpointRow | undefined => byName.get(name),
    all: (): EndpointRow[] => all.all(),
    fallbackFor: (id: string) => fallbackFor.all(id),

    scope(row: EndpointRow): ProjectScope {
      if (row.all_projects) return null;
      return new Set(db.prepare<[string], { project_id: string }>('SELECT project_id FROM endpoint_projects WHERE endpoint_id = ?').all(row.id).map((r) => r.project_id));
    },

    setScope(id: string, projectIds: readonly string[] | null): void {
      db.prepare('DELETE FROM endpoint_projects WHERE endpoint_id = ?').run(id);
      db.prepare('UPDATE endpoints SET all_projects = ? WHERE id = ?').run(projectIds === null ? 1 : 0, id);
      const add = db.prepare('INSERT INTO endpoint_projects (endpoint_id, project_id) VALUES (?, ?)');
      for (const p of projectIds ?? []) add.run(id, p);
    },

    /** Whether `viewer` may see the endpoint: managers see all; others what one of their projects may use. */
    visibleTo(row: EndpointRow, viewer: User): boolean {
      if (row.all_projects || seesAllProjects(viewer.role)) return true;
      return projectsOf.all(viewer.id, row.id).some((p) => p.member === 1);
    },

    toEndpoint(row: EndpointRow, viewer: User): Endpoint {
      let projects: ProjectRef[] | null = null;
      let hidden = 0;
      if (!row.all_projects) {
        const allowed = projectsOf.all(viewer.id, row.id);
        projects = allowed.filter((p) => seesAllProjects(viewer.role) || p.member === 1).map(({ id, name }) => ({ id, name }));
        hidden = allowed.length - projects.length;
      }
      const fallback = row.fallback_id ? byId.get(row.fallback_id) : undefined;
      return {
        id: row.id,
        name: row.name,
        kind: row.kind,
        baseUrl: row.base_url,
        upstreamModel: row.upstream_model,
        apiVersion: row.api_version,
        keySet: row.key_secret_id !== null,
        keyUpdatedAt: row.key_updated_at,
        caCertificates: caCertificates(row.ca_bundle),
        projects,
        hiddenProjectCount: hidden,
        fallback: fallback ? { id: fallback.id, name: fallback.name } : null,
        requestsPerMinute: row.requests_per_minute,
        tokensPerMinute: row.tokens_per_minute,
        fallbackFor: fallbackFor.all(row.id),
        lastTest: row.last_test ? (JSON.parse(row.last_test) as EndpointTestResult) : null,
        createdAt: row.created_at,
        createdBy: row.created_by,
        updatedAt: row.updated_at,
        updatedBy: row.updated_by,
      };
    },
  };
  return store;
}

export type EndpointStore = ReturnType<typeof createEndpointStore>;
