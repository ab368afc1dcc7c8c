import { z } from 'zod';
import type { JobSummary } from '../jobs/types';
import type { ClusterDetail, ClusterSummary, ImportResult, KubeconfigPreview, LimitsStoreResult } from '../clusters/types';
import type { GatewayLiveState } from '../gateway/live-state';
import { CLUSTER_NAME_PATTERN } from '../clusters/kubeconfig';
import { REDIS_URL_MAX } from '../clusters/limits-store-url';
import { channel, empty, id, projectName, returns } from './spec';

/** A kubeconfig is small; 512 KiB leaves room for many contexts with inlined certificates (and fits browser mode's 1 MiB body limit). */
const kubeconfig = z.string().min(1, 'paste a kubeconfig').max(512 * 1024, 'is larger than 512 KiB; export only the contexts you need (kubectl config view --minify --flatten)');
const clusterName = z.string().regex(CLUSTER_NAME_PATTERN, 'use 1–63 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit');

export const CLUSTER_CHANNELS = {
  'clusters:gatewayState': channel({
    input: z.object({ clusterId: id('clusterId') }).strict(),
    output: returns<GatewayLiveState>(),
    access: 'cluster:view',
    mutates: false,
    summary: "The cluster gateway's live state (models, targets, breakers, KV pressure, last reload), read through the API server.",
  }),
  'clusters:list': channel({ input: empty, output: returns<ClusterSummary[]>(), access: 'cluster:view', mutates: false, summary: 'Imported clusters with their last check and gateway sync state.' }),
  'clusters:get': channel({
    input: z.object({ clusterId: id('clusterId') }).strict(),
    output: returns<ClusterDetail>(),
    access: 'cluster:view',
    mutates: false,
    summary: 'One cluster with its nodes and GPUs.',
  }),
  'clusters:preview': channel({
    input: z.object({ kubeconfig }).strict(),
    output: returns<KubeconfigPreview>(),
    access: 'cluster:manage',
    mutates: false,
    summary: 'The contexts a kubeconfig offers and whether each can be imported (stores nothing).',
  }),
  'clusters:import': channel({
    input: z
      .object({
        kubeconfig,
        contexts: z
          .array(z.object({ context: z.string().min(1).max(256), name: clusterName.optional() }).strict())
          .min(1, 'choose at least one context')
          .max(50),
        allowUnreachable: z.boolean().default(false),
        gatewayNamespace: projectName.optional(),
      })
      .strict(),
    output: returns<ImportResult>(),
    access: 'cluster:manage',
    mutates: true,
    summary: 'Import contexts of a kubeconfig as clusters; each kubeconfig is kept encrypted in the vault.',
  }),
  'clusters:check': channel({
    input: z.object({ clusterId: id('clusterId').optional() }).strict(),
    output: returns<ClusterSummary[]>(),
    access: 'cluster:view',
    mutates: false,
    summary: 'Read version, nodes, GPUs and gateway drift now (one cluster, or all).',
  }),
  'clusters:remove': channel({
    input: z.object({ clusterId: id('clusterId'), confirmName: z.string().max(63) }).strict(),
    output: returns<ClusterSummary>(),
    access: 'cluster:manage',
    mutates: true,
    summary: 'Forget a cluster and its kubeconfig (type its name to confirm); nothing in the cluster is deleted.',
  }),
  // The URL is checked in clusters/limits-store-url.ts (whose messages never repeat it); here, size only.
  'clusters:setLimitsStore': channel({
    input: z.object({ clusterId: id('clusterId'), redisUrl: z.string().min(1, 'enter a redis:// or rediss:// URL').max(REDIS_URL_MAX + 64, `is longer than ${REDIS_URL_MAX} characters`) }).strict(),
    output: returns<LimitsStoreResult>(),
    access: 'cluster:manage',
    mutates: true,
    summary: "Share the cluster's gateway limits exactly across its replicas through a Redis (URL sealed in the vault, never returned); gateways reload on the next sync.",
  }),
  'clusters:clearLimitsStore': channel({
    input: z.object({ clusterId: id('clusterId') }).strict(),
    output: returns<LimitsStoreResult>(),
    access: 'cluster:manage',
    mutates: true,
    summary: "Drop the cluster's limits store: each gateway replica counts limits on its own again (up to N× the limit with N replicas); the URL leaves the vault.",
  }),
  'clusters:syncGateway': channel({
    input: z
      .object({
        clusterIds: z.array(id('clusterId')).max(200).optional(),
        install: z.boolean().default(false),
        image: z.string().regex(/^[\w./:@-]{1,255}$/, 'must be an image reference').optional(),
        /** Overwrite a gateway another Foundry desktop owns; its API keys stop working in that cluster. */
        takeOver: z.boolean().default(false),
      })
      .strict(),
    output: returns<JobSummary>(),
    access: 'cluster:manage',
    mutates: true,
    summary: "Push the gateway config (and with install, the gateway itself) to clusters, as a job.",
  }),
};
