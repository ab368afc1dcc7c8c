import { Alert, Badge, Button, Card, Code, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ClusterDetail as Detail } from '../../../main/core/clusters/types';
import { ClientError } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Time } from '../../components/Time';
import { GATEWAY, gatewaySentence, limitsStoreWording, ownedElsewhere } from './format';
import { GatewayLivePanel } from './GatewayLivePanel';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

/** The selected cluster: where it is, how Foundry reaches it, its gateway, and every node with its GPUs. */
export function ClusterDetail({ cluster, onTakeOver, onEditLimitsStore }: { cluster: Detail; onTakeOver?: () => void; onEditLimitsStore?: () => void }) {
  const g = cluster.gateway;
  const look = GATEWAY[g?.state ?? 'none'];
  const elsewhere = ownedElsewhere(g);
  const limits = limitsStoreWording(cluster.limitsStore);
  return (
    <Card withBorder padding="md" data-testid="cluster-detail">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={4}>{cluster.name}</Title>
          <Text size="xs" c="dimmed">
            Inventory from <Time iso={cluster.inventoryAt} size="xs" />
          </Text>
        </Group>
        {cluster.checkError && <ErrorAlert title="The last check failed" error={new ClientError(cluster.checkError)} />}
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
          <Fact label="Context">{cluster.context}</Fact>
          <Fact label="API server">
            <Code>{cluster.server}</Code>
          </Fact>
          <Fact label="CA fingerprint (SHA-256)">
            <Text size="xs" ff="monospace" title={cluster.caFingerprint ?? undefined}>
              {cluster.caFingerprint ? `${cluster.caFingerprint.slice(0, 23)}…` : 'system roots'}
            </Text>
          </Fact>
          <Fact label="Credentials">{cluster.authKind}</Fact>
          <Fact label="Imported">
            <Time iso={cluster.createdAt} /> by {cluster.createdBy}
          </Fact>
          <Fact label="Gateway namespace">{cluster.gatewayNamespace}</Fact>
          <Fact label="Gateway">
            <Badge color={look.color}>{look.label}</Badge>
          </Fact>
          <Fact label="Gateway installed">{g?.installedAt ? <Time iso={g.installedAt} /> : 'No (config only)'}</Fact>
          <Fact label="Limits store">
            <Group gap="xs" wrap="nowrap" data-testid="cluster-limits-store">
              <Badge color={limits.color} title={limits.sentence}>
                {limits.label}
              </Badge>
              {onEditLimitsStore && (
                <Button size="compact-xs" variant="subtle" onClick={onEditLimitsStore} data-testid="cluster-limits-store-edit">
                  {cluster.limitsStore ? 'Change…' : 'Set…'}
                </Button>
              )}
            </Group>
            <Text size="xs" c="dimmed" data-testid="cluster-limits-store-sentence">
              {limits.sentence}
            </Text>
          </Fact>
        </SimpleGrid>
        <Alert color={look.color} variant="light" data-testid="cluster-gateway-sentence">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{gatewaySentence(g)}</Text>
            {elsewhere && onTakeOver && (
              <Button size="xs" color="red" variant="light" onClick={onTakeOver} data-testid="cluster-take-over">
                Take over the gateway…
              </Button>
            )}
          </Stack>
        </Alert>
        {g && <GatewayLivePanel clusterId={cluster.id} />}
        <Table data-testid="cluster-nodes-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Node</Table.Th>
              <Table.Th>Ready</Table.Th>
              <Table.Th>Instance type</Table.Th>
              <Table.Th>Zone</Table.Th>
              <Table.Th>GPU</Table.Th>
              <Table.Th ta="right">GPUs allocatable / capacity</Table.Th>
              <Table.Th ta="right">Memory per GPU</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {cluster.nodeList.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  <Text size="sm" c="dimmed">
                    No inventory yet: run Check once the cluster is reachable.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {cluster.nodeList.map((n) => (
              <Table.Tr key={n.name} data-testid={`node-row-${n.name}`}>
                <Table.Td>{n.name}</Table.Td>
                <Table.Td>
                  <Badge color={n.ready ? 'teal' : 'red'}>{n.ready ? 'Ready' : 'Not ready'}</Badge>
                </Table.Td>
                <Table.Td>{n.instanceType ?? '—'}</Table.Td>
                <Table.Td>{n.zone ?? '—'}</Table.Td>
                <Table.Td>{n.gpus?.product ?? <Text size="sm" c="dimmed">—</Text>}</Table.Td>
                <Table.Td ta="right">{n.gpus ? `${n.gpus.allocatable} / ${n.gpus.capacity}` : '—'}</Table.Td>
                <Table.Td ta="right">{n.gpus?.memoryMiB ? `${(n.gpus.memoryMiB / 1024).toFixed(0)} GiB` : '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}
