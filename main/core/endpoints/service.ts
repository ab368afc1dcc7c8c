/**
 * The endpoint registry: create, change, remove and test the endpoints every cluster's gateway
 * routes to. An API key is sealed in the vault under its own data key the moment it arrives and
 * is never returned, logged or audited; the row only names the secret. render.ts turns the
 * registry into gateway providers and models; the audit record of each change triggers the resync.
 */
import { FoundryError, notFound } from '../errors';
import type { Db } from '../store/db';
import { nowIso } from '../store/db';
import { newId } from '../access/tokens';
import type { ProjectService } from '../access/projects';
import type { User } from '../access/users';
import type { Vault } from '../vault/vault';
import { checkFallback } from './fallback';
import { probeEndpoint, type ProbeOptions } from './probe';
import { createEndpointStore, type EndpointRow, type ProjectScope } from './store';
import { checkConnection, endpointInvalid, needsKey, type FieldIssue } from './validate';
import type { Endpoint, EndpointInput, EndpointPatch, EndpointTestResult } from './types';

export const ENDPOINT_KEY_KIND = 'endpoint-api-key';

export interface EndpointServiceDeps {
  db: Db;
  vault: Vault;
  projects: ProjectService;
  probe?: ProbeOptions;
}

export function createEndpointService({ db, vault, projects, probe }: EndpointServiceDeps) {
  const store = createEndpointStore(db);

  function row(id: string, viewer: User | null): EndpointRow {
    const r = store.get(id);
    if (!r || (viewer && !store.visibleTo(r, viewer))) {
      throw notFound(`Endpoint ${id}`, 'Run `foundry endpoints list` (or open the Models page) for the endpoints that exist.');
    }
    return r;
  }

  function nameIssues(name: string, exceptId: string | null): FieldIssue[] {
    const clash = store.getByName(name);
    if (!clash || clash.id === exceptId) return [];
    return [{ path: ['name'], message: `is taken by another endpoint ("${clash.name}"; names are case-insensitive)` }];
  }

  function scopeOf(projectIds: readonly string[] | null | undefined, actor: User): ProjectScope {
    if (projectIds === null || projectIds === undefined) return null;
    return new Set(projectIds.map((p) => projects.requireVisible(p, actor).id));
  }

  const projectNames = (ids: Iterable<string>) =>
    [...ids].map((id) => db.prepare<[string], { name: string }>('SELECT name FROM projects WHERE id = ?').get(id)?.name ?? id).sort().join(', ');

  function keyIssues(kind: EndpointRow['kind'], hasKey: boolean): FieldIssue[] {
    return needsKey(kind) && !hasKey ? [{ path: ['apiKey'], message: `is required for ${kind === 'azure' ? 'Azure OpenAI' : kind === 'openai' ? 'OpenAI' : 'Anthropic'}` }] : [];
  }

  function clash(err: unknown, name: string): never {
    if (err instanceof Error && /UNIQUE constraint failed: endpoints\.name/.test(err.message)) {
      throw new FoundryError({ code: 'CONFLICT', message: `An endpoint named "${name}" already exists (names are case-insensitive).`, hint: 'Pick another name, or edit the existing endpoint.', details: [{ path: ['name'], message: 'is taken' }] });
    }
    throw err;
  }

  const service = {
    store,

    list(viewer: User): Endpoint[] {
      return store.all().filter((r) => store.visibleTo(r, viewer)).map((r) => store.toEndpoint(r, viewer));
    },

    get(id: string, viewer: User): Endpoint {
      return store.toEndpoint(row(id, viewer), viewer);
    },

    /** An id or a name (the CLI takes either). */
    resolve(ref: string, viewer: User): Endpoint {
      const r = store.get(ref) ?? store.getByName(ref);
      return service.get(r?.id ?? ref, viewer);
    },

    async create(input: EndpointInput, actor: User): Promise<Endpoint> {
      const scope = scopeOf(input.projectIds, actor);
      const pre = [...nameIssues(input.name, null), ...keyIssues(input.kind, input.apiKey !== undefined)];
      pre.push(...checkFallback(store, { id: null, name: input.name, scope, fallbackId: input.fallbackId ?? null }, projectNames));
      const conn = checkConnection({ ...input, upstreamModel: input.upstreamModel ?? input.name }, pre);
      const id = newId('ep');
      const now = nowIso();
      const secret = input.apiKey !== undefined ? await vault.put(ENDPOINT_KEY_KIND, id, input.apiKey) : null;
      try {
        db.transaction(() => {
          db.prepare(
            `INSERT INTO endpoints (id, name, kind, base_url, upstream_model, api_version, key_secret_id, key_revision, key_updated_at, ca_bundle, fallback_id, requests_per_minute, tokens_per_minute, created_at, created_by, updated_at, updated_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(id, input.name, conn.kind, conn.baseUrl, conn.upstreamModel, conn.apiVersion, secret?.id ?? null, secret ? 1 : 0, secret ? now : null, conn.caBundle, input.fallbackId ?? null, input.requestsPerMinute ?? null, input.tokensPerMinute ?? null, now, actor.username, now, actor.username);
          store.setScope(id, scope && [...scope]);
        })();
      } catch (err) {
        if (secret) vault.remove(secret.id);
        clash(err, input.name);
      }
      return service.get(id, actor);
    },

    async update(id: string, patch: EndpointPatch, actor: User): Promise<Endpoint> {
      const current = row(id, actor);
      const name = patch.name ?? current.name;
      const kind = patch.kind ?? current.kind;
      const scope = patch.projectIds === undefined ? store.scope(current) : scopeOf(patch.projectIds, actor);
      const fallbackId = patch.fallbackId === undefined ? current.fallback_id : patch.fallbackId;
      const keyAfter = patch.apiKey !== undefined || (current.key_secret_id !== null && !patch.clearApiKey);
      const pre = [...nameIssues(name, id), ...keyIssues(kind, keyAfter), ...checkFallback(store, { id, name, scope, fallbackId }, projectNames)];
      if (patch.apiKey !== undefined && patch.clearApiKey) pre.push({ path: ['clearApiKey'], message: 'cannot be combined with a new apiKey' });
      const conn = checkConnection(
        {
          kind,
          baseUrl: patch.baseUrl ?? (patch.kind && patch.kind !== current.kind ? undefined : current.base_url),
          upstreamModel: patch.upstreamModel ?? current.upstream_model,
          apiVersion: patch.apiVersion === undefined && kind === current.kind ? current.api_version : (patch.apiVersion ?? null),
          caBundle: patch.caBundle,
          keptCaBundle: patch.caBundle === undefined && current.ca_bundle !== null,
        },
        pre,
      );
      const caBundle = patch.caBundle === undefined ? current.ca_bundle : conn.caBundle;
      const rpm = patch.requestsPerMinute === undefined ? current.requests_per_minute : patch.requestsPerMinute;
      const tpm = patch.tokensPerMinute === undefined ? current.tokens_per_minute : patch.tokensPerMinute;
      const now = nowIso();
      const secret = patch.apiKey !== undefined ? await vault.put(ENDPOINT_KEY_KIND, id, patch.apiKey) : null;
      const connectionChanged =
        secret !== null || patch.clearApiKey || conn.kind !== current.kind || conn.baseUrl !== current.base_url || conn.upstreamModel !== current.upstream_model || conn.apiVersion !== current.api_version || caBundle !== current.ca_bundle;
      try {
        db.transaction(() => {
          db.prepare(
            `UPDATE endpoints SET name = ?, kind = ?, base_url = ?, upstream_model = ?, api_version = ?, ca_bundle = ?, fallback_id = ?, requests_per_minute = ?, tokens_per_minute = ?, updated_at = ?, updated_by = ?,
               last_test = CASE WHEN ? THEN NULL ELSE last_test END WHERE id = ?`,
          ).run(name, conn.kind, conn.baseUrl, conn.upstreamModel, conn.apiVersion, caBundle, fallbackId, rpm ?? null, tpm ?? null, now, actor.username, connectionChanged ? 1 : 0, id);
          if (secret) {
            db.prepare('UPDATE endpoints SET key_secret_id = ?, key_revision = key_revision + 1, key_updated_at = ? WHERE id = ?').run(secret.id, now, id);
          } else if (patch.clearApiKey) {
            db.prepare('UPDATE endpoints SET key_secret_id = NULL, key_revision = key_revision + 1, key_updated_at = ? WHERE id = ?').run(now, id);
          }
          if (patch.projectIds !== undefined) store.setScope(id, scope && [...scope]);
        })();
      } catch (err) {
        clash(err, name);
      }
      if (patch.clearApiKey && current.key_secret_id) vault.remove(current.key_secret_id);
      return service.get(id, actor);
    },

    remove(id: string, confirmName: string, actor: User): Endpoint {
      const current = row(id, actor);
      const endpoint = store.toEndpoint(current, actor);
      if (confirmName !== current.name) {
        throw endpointInvalid([{ path: ['confirmName'], message: `must be the endpoint's name "${current.name}" exactly; "${confirmName.slice(0, 200)}" does not match` }]);
      }
      if (endpoint.fallbackFor.length) {
        const users = endpoint.fallbackFor.map((e) => e.name).join(', ');
        throw new FoundryError({
          code: 'FAILED_PRECONDITION',
          message: `Endpoint "${current.name}" is the fallback of ${users}; it was not removed.`,
          hint: `Give ${endpoint.fallbackFor.length === 1 ? 'that endpoint' : 'those endpoints'} another fallback (or none) first.`,
        });
      }
      db.prepare('DELETE FROM endpoints WHERE id = ?').run(id);
      if (current.key_secret_id) vault.remove(current.key_secret_id);
      return { ...endpoint, updatedBy: actor.username };
    },

    /** Calls the upstream with the stored key and keeps the result as the endpoint's last test. */
    async test(id: string, viewer: User): Promise<EndpointTestResult> {
      const current = row(id, viewer);
      const key = current.key_secret_id ? (await vault.get(current.key_secret_id)).toString('utf8') : null;
      const result = await probeEndpoint({ kind: current.kind, baseUrl: current.base_url, upstreamModel: current.upstream_model, apiVersion: current.api_version, caBundle: current.ca_bundle }, key, probe);
      // Kept only if nobody changed the endpoint meanwhile: a result for old settings would mislead.
      db.prepare('UPDATE endpoints SET last_test = ? WHERE id = ? AND updated_at = ? AND key_revision = ?').run(JSON.stringify(result), id, current.updated_at, current.key_revision);
      return result;
    },
  };
  return service;
}

export type EndpointService = ReturnType<typeof createEndpointService>;
