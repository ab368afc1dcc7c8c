import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { FoundryError } from '../errors';
import type { KubeClient } from '../clusters/kube-client';
import type { Db } from '../store/db';

/**
 * One desktop owns a cluster's gateway objects. They carry that desktop's API-key hashes and the
 * admin token only it holds, so a second desktop that synced the same cluster would silently cut
 * off the first one's clients and its admin access. A sync therefore refuses a Secret that another
 * desktop wrote (or that predates ownership marks) unless the user explicitly takes it over.
 */

export const OWNER_ANNOTATION = 'foundry.dev/owner-desktop';
/** The owning machine's host name, so the refusal can say whose gateway it is. */
export const OWNER_HOST_ANNOTATION = 'foundry.dev/owner-host';
/** `details.reason` of the refusal, which the Clusters page turns into a "Take over" action. */
export const OWNED_ELSEWHERE = 'gateway-owned-elsewhere';

export interface DesktopIdentity {
  id: string;
  host: string;
}

/** This installation's id: random, made on first use, kept in the database (never a secret). */
export function desktopIdentity(db: Db): DesktopIdentity {
  db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('desktop_id', ?)`).run(randomUUID());
  const id = db.prepare<[], { value: string }>(`SELECT value FROM meta WHERE key = 'desktop_id'`).get()!.value;
  return { id, host: hostname().slice(0, 253) };
}

export function ownerAnnotations(me: DesktopIdentity): Record<string, string> {
  return { [OWNER_ANNOTATION]: me.id, [OWNER_HOST_ANNOTATION]: me.host };
}

interface LiveSecret {
  metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> };
}

export interface OwnershipCheck {
  /** The host of the desktop this sync takes the gateway over from, when it does. */
  tookOverFrom: string | null;
}

/**
 * Reads the gateway Secret and decides whether this desktop may write it. `syncedBefore`: this
 * desktop has a sync record for the cluster, so an unmarked Secret is its own (written before
 * ownership marks existed).
 */
export async function checkGatewayOwnership(
  client: KubeClient,
  namespace: string,
  secretName: string,
  me: DesktopIdentity,
  opts: { takeOver: boolean; syncedBefore: boolean; clusterName: string; signal?: AbortSignal },
): Promise<OwnershipCheck> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(secretName)}`;
  const live = await client.getOrNull<LiveSecret>(path, `read Secret ${namespace}/${secretName}`, opts.signal);
  if (!live) return { tookOverFrom: null };
  const owner = live.metadata?.annotations?.[OWNER_ANNOTATION];
  if (owner === me.id) return { tookOverFrom: null };
  if (owner === undefined && opts.syncedBefore) return { tookOverFrom: null };
  const ownerHost = live.metadata?.annotations?.[OWNER_HOST_ANNOTATION] ?? null;
  const byFoundry = live.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'foundry';
  const whose = owner ? `another Foundry desktop (${ownerHost ?? 'unknown host'})` : byFoundry ? 'a Foundry desktop that did not mark itself (an older version, or this one before its data was reset)' : 'something other than Foundry';
  if (opts.takeOver) return { tookOverFrom: ownerHost ?? (owner ? 'unknown host' : 'unmarked owner') };
  throw new FoundryError({
    code: 'CONFLICT',
    message: `The gateway in ${opts.clusterName} (${namespace}/${secretName}) belongs to ${whose}. Syncing would replace its API keys and admin token and cut off its clients.`,
    hint: 'If that desktop is retired or the cluster should be managed from here, sync again with "take over" (CLI: --take-over); its keys stop working in this cluster.',
    details: { reason: OWNED_ELSEWHERE, ownerHost, marked: owner !== undefined },
  });
}
