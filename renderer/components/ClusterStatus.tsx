import { Group, Text, Tooltip } from '@mantine/core';
import { IconServer2 } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { ClusterSummary } from '../../main/core/clusters/types';
import { call } from '../client';
import { useCan } from '../stores/abilities';
import { useJobs } from '../stores/jobs';
import { clusterStatusLine } from './cluster-status';

const REFRESH_MS = 30_000;

/** The status bar's cluster count and health, refreshed on a timer and whenever a job finishes. */
export function ClusterStatus() {
  const canView = useCan('cluster:view');
  const finishedJobs = useJobs((s) => s.jobs.filter((j) => j.status !== 'running' && j.status !== 'queued').length);
  const [clusters, setClusters] = useState<ClusterSummary[] | null>(null);

  useEffect(() => {
    if (!canView) return;
    let live = true;
    const load = () =>
      call('clusters:list', {}).then(
        (list) => live && setClusters(list),
        () => undefined, // The Clusters page shows the error; the status bar keeps the last count.
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [canView, finishedJobs]);

  const line = clusterStatusLine(canView ? clusters : null);
  return (
    <Tooltip label={line.tooltip}>
      <Group gap={6} wrap="nowrap" data-testid="status-clusters">
        <IconServer2 size={14} />
        <Text size="xs">{line.text}</Text>
      </Group>
    </Tooltip>
  );
}
