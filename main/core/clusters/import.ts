import { FoundryError, invalid, toFoundryError, type FoundryErrorShape } from '../errors';
import { newId } from '../access/tokens';
import { nowIso } from '../store/db';
import type { Vault } from '../vault/vault';
import { CLUSTER_NAME_PATTERN, minifyContext, parseKubeconfig, type ParsedKubeconfig } from './kubeconfig';
import { createKubeClient } from './kube-client';
import { readInventory, type ClusterInventory } from './inventory';
import type { ClusterStore } from './store';

/**
 * Importing contexts from a kubeconfig: each chosen context is cut out of the text, verified against
 * its API server (version and nodes), sealed in the vault, and recorded. Contexts are independent:
 * one that fails (unreachable, bad credentials, name taken) is reported and the others go ahead.
 */

export const KUBECONFIG_SECRET_KIND = 'kubeconfig';

export interface ImportRequest {
  kubeconfig: string;
  contexts: { context: string; name?: string }[];
  /** Import even when the API server cannot be reached now (it shows as unreachable until a check succeeds). */
  allowUnreachable?: boolean;
  gatewayNamespace?: string;
}

export interface ImportDeps {
  store: ClusterStore;
  vault: Vault;
  timeoutMs?: number;
}

export interface Imported {
  id: string;
}

function plan(parsed: ParsedKubeconfig, req: ImportRequest, store: ClusterStore) {
  const names = new Set<string>();
  return req.contexts.map(({ context, name }) => {
    const found = parsed.contexts.find((c) => c.context === context);
    const display = name ?? found?.suggestedName ?? context;
    const check = (): string => {
      const minified = minifyContext(parsed, context);
      if (!CLUSTER_NAME_PATTERN.test(display)) {
        throw invalid(`"${display}" is not a valid cluster name.`, 'Use 1–63 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit.');
      }
      const key = display.toLowerCase();
      const taken = store.findByName(display);
      if (taken || names.has(key)) {
        throw new FoundryError({
          code: 'CONFLICT',
          message: `A cluster named "${taken?.name ?? display}" ${taken ? 'is already imported' : 'appears twice in this import'} (names are case-insensitive).`,
          hint: 'Give this context another name.',
        });
      }
      names.add(key);
      const same = store.findByServerAndContext(found!.server, context);
      if (same) {
        throw new FoundryError({
          code: 'CONFLICT',
          message: `Context "${context}" (${found!.server}) is already imported as "${same.name}".`,
          hint: 'Remove that cluster first to import it again, e.g. with fresh credentials.',
        });
      }
      return minified;
    };
    return { context, name: display, found, check };
  });
}

/** Verifies and stores the chosen contexts. Returns the new ids and the contexts that failed, with why. */
export async function importClusters(
  deps: ImportDeps,
  req: ImportRequest,
  actor: string,
): Promise<{ imported: Imported[]; failed: { context: string; name: string; error: FoundryErrorShape }[] }> {
  const parsed = parseKubeconfig(req.kubeconfig);
  if (req.contexts.length === 0) throw invalid('Choose at least one context to import.');
  const steps = plan(parsed, req, deps.store);
  const failed: { context: string; name: string; error: FoundryErrorShape }[] = [];
  const ready: { step: (typeof steps)[number]; minified: string }[] = [];
  for (const step of steps) {
    try {
      ready.push({ step, minified: step.check() });
    } catch (err) {
      failed.push({ context: step.context, name: step.name, error: toFoundryError(err).toJSON() });
    }
  }

  // Verify all contexts at once: an unreachable one costs its timeout, not everyone's.
  const verified = await Promise.all(
    ready.map(async ({ step, minified }) => {
      try {
        const client = await createKubeClient(minified, { cluster: step.name, timeoutMs: deps.timeoutMs });
        return { step, minified, inventory: await readInventory(client) as ClusterInventory | null, error: null as FoundryErrorShape | null };
      } catch (err) {
        return { step, minified, inventory: null, error: toFoundryError(err).toJSON() };
      }
    }),
  );

  const imported: Imported[] = [];
  for (const v of verified) {
    if (v.error && !(req.allowUnreachable && v.error.code.startsWith('CLUSTER_'))) {
      failed.push({ context: v.step.context, name: v.step.name, error: v.error });
      continue;
    }
    const id = newId('cl');
    const secret = await deps.vault.put(KUBECONFIG_SECRET_KIND, id, v.minified);
    try {
      const at = nowIso();
      deps.store.insert({
        id,
        name: v.step.name,
        source: 'kubeconfig',
        context: v.step.context,
        server: v.step.found!.server,
        caFingerprint: v.step.found!.caFingerprint,
        authKind: v.step.found!.authKind!,
        kubeconfigSecretId: secret.id,
        gatewayNamespace: req.gatewayNamespace ?? 'foundry-system',
        createdBy: actor,
        createdAt: at,
        checkedAt: at,
        inventory: v.inventory,
        checkError: v.error,
      });
      imported.push({ id });
    } catch (err) {
      // A name taken meanwhile by another window: leave no orphaned secret behind.
      deps.vault.remove(secret.id);
      const taken = (err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
      const error = taken
        ? new FoundryError({ code: 'CONFLICT', message: `A cluster named "${v.step.name}" was imported meanwhile.`, hint: 'Give this context another name.' })
        : toFoundryError(err);
      failed.push({ context: v.step.context, name: v.step.name, error: error.toJSON() });
    }
  }
  return { imported, failed };
}
