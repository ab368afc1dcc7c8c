import type { ClusterSummary } from '../../main/core/clusters/types';

/** What the status bar says about the fleet: how many clusters, and how many need a look. */
export function clusterStatusLine(clusters: Pick<ClusterSummary, 'health' | 'name'>[] | null): { text: string; tooltip: string } {
  if (clusters === null) return { text: 'Clusters', tooltip: 'Your role does not include viewing clusters' };
  if (clusters.length === 0) return { text: 'No clusters', tooltip: 'Import a kubeconfig on the Clusters page' };
  const count = `${clusters.length} cluster${clusters.length === 1 ? '' : 's'}`;
  const trouble = clusters.filter((c) => c.health === 'unreachable' || c.health === 'degraded');
  if (trouble.length === 0) return { text: count, tooltip: 'Every cluster answered its last check' };
  return { text: `${count} · ${trouble.length} need${trouble.length === 1 ? 's' : ''} attention`, tooltip: trouble.map((c) => `${c.name}: ${c.health}`).join(', ') };
}
