import { Badge, Code, Group, Menu, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconRefresh, IconRocket, IconServer2, IconTrash, IconUpload } from '@tabler/icons-react';
import { useCallback, type ReactNode } from 'react';
import type { ClusterSummary } from '../../../main/core/clusters/types';
import { DataTable } from '../../components/DataTable';
import { RowActionsMenu } from '../../components/RowActionsMenu';
import { Time } from '../../components/Time';
import { GATEWAY, HEALTH, gatewaySentence, shortGpuName } from './format';
import { SelectableRow } from '../../components/SelectableRow';

type Key = 'name' | 'server' | 'health' | 'nodes' | 'gpus' | 'gateway';

export interface ClusterActions {
  onSelect(c: ClusterSummary): void;
  onCheck(c: ClusterSummary): void;
  onSync(c: ClusterSummary, install: boolean): void;
  onRemove(c: ClusterSummary): void;
}

interface Props extends ClusterActions {
  clusters: ClusterSummary[];
  selectedId: string | null;
  canManage: boolean;
  busyIds: ReadonlySet<string>;
  emptyAction: ReactNode;
}

function Gpus({ c }: { c: ClusterSummary }) {
  if (!c.gpus) return <Text size="sm" c="dimmed">—</Text>;
  if (c.gpus.models.length === 0) return <Text size="sm" c="dimmed">No GPUs</Text>;
  return (
    <Group gap={4} data-testid="cluster-gpus">
      {c.gpus.models.map((m) => (
        <Tooltip key={m.product} label={`${m.product}: ${m.allocatable} of ${m.capacity} allocatable on ${m.nodes} node${m.nodes === 1 ? '' : 's'}${m.memoryMiB ? `, ${Math.round(m.memoryMiB / 1024)} GiB each` : ''}`}>
          <Badge variant="outline" tt="none">
            {m.capacity}× {shortGpuName(m.product)}
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}

function Gateway({ c }: { c: ClusterSummary }) {
  const g = c.gateway;
  const look = GATEWAY[g?.state ?? 'none'];
  return (
    <Tooltip label={gatewaySentence(g)} multiline maw={360}>
      <Stack gap={0}>
        <Badge color={look.color} data-testid="cluster-gateway-state">
          {look.label}
        </Badge>
        {g && <Time iso={g.state === 'failed' ? g.attemptedAt : g.appliedAt} size="xs" />}
      </Stack>
    </Tooltip>
  );
}

export function ClustersTable({ clusters, selectedId, canManage, busyIds, emptyAction, onSelect, onCheck, onSync, onRemove }: Props) {
  const pick = useCallback((c: ClusterSummary, col: Key) => {
    if (col === 'nodes') return c.nodes;
    if (col === 'gpus') return c.gpus?.capacity ?? null;
    if (col === 'gateway') return c.gateway?.state ?? null;
    return c[col];
  }, []);

  return (
    <DataTable
      minWidth={980}
      testId="clusters-table"
      columns={[
        { sortKey: 'name', label: 'Name' },
        { sortKey: 'server', label: 'API server' },
        { sortKey: 'health', label: 'Status' },
        { sortKey: 'nodes', label: 'Nodes' },
        { sortKey: 'gpus', label: 'GPUs' },
        { sortKey: 'gateway', label: 'Gateway' },
        { w: 48 },
      ]}
      rows={clusters}
      initialSort={{ key: 'name', dir: 'asc' }}
      pick={pick}
      empty={{
        icon: <IconServer2 size={22} />,
        title: 'No clusters match',
        description: "Import a kubeconfig context to see its nodes, GPUs and Foundry's gateway here.",
        action: emptyAction,
      }}
      row={(c) => {
        const health = HEALTH[c.health];
        return (
          <SelectableRow key={c.id} data-testid={`cluster-row-${c.name}`} selected={c.id === selectedId} onSelect={() => onSelect(c)}>
            <Table.Td>
              <Text size="sm" fw={600}>{c.name}</Text>
              <Text size="xs" c="dimmed">{c.context}</Text>
            </Table.Td>
            <Table.Td>
              <Code fz="xs">{c.server.replace(/^https:\/\//, '')}</Code>
            </Table.Td>
            <Table.Td>
              <Tooltip label={c.checkError ? c.checkError.message : c.checkedAt ? 'Last checked' : 'Run Check to read the cluster'} multiline maw={360}>
                <Stack gap={0}>
                  <Badge color={health.color} data-testid="cluster-health">{health.label}</Badge>
                  <Time iso={c.checkedAt} size="xs" />
                </Stack>
              </Tooltip>
            </Table.Td>
            <Table.Td>
              <Text size="sm" data-testid="cluster-nodes">{c.nodes === null ? '—' : `${c.readyNodes}/${c.nodes} ready`}</Text>
              {c.version && <Text size="xs" c="dimmed" data-testid="cluster-version">Kubernetes {c.version}</Text>}
            </Table.Td>
            <Table.Td><Gpus c={c} /></Table.Td>
            <Table.Td><Gateway c={c} /></Table.Td>
            <Table.Td onClick={(e) => e.stopPropagation()}>
              <RowActionsMenu name={c.name} testId={`cluster-actions-${c.name}`} loading={busyIds.has(c.id)} prominent>
                <Menu.Item leftSection={<IconRefresh size={14} />} onClick={() => onCheck(c)} data-testid="cluster-check">Check now</Menu.Item>
                {canManage && (
                  <>
                    <Menu.Item leftSection={<IconUpload size={14} />} onClick={() => onSync(c, false)} data-testid="cluster-sync">Sync gateway config</Menu.Item>
                    <Menu.Item leftSection={<IconRocket size={14} />} onClick={() => onSync(c, true)} data-testid="cluster-install">Install gateway</Menu.Item>
                    <Menu.Divider />
                    <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => onRemove(c)} data-testid="cluster-remove">Remove…</Menu.Item>
                  </>
                )}
              </RowActionsMenu>
            </Table.Td>
          </SelectableRow>
        );
      }}
    />
  );
}
