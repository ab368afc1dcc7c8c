import { Alert, Badge, Button, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import type { GatewayLiveState } from '../../../main/core/gateway/live-state';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Time } from '../../components/Time';
import { useLoad } from '../../components/useLoad';
import { BREAKER, kvLine } from './live-format';

/**
 * The gateway as it runs in the cluster right now, read through the API server with the admin token
 * from the vault. Read when the panel opens and on Refresh; a cluster without a running gateway says so.
 */
export function GatewayLivePanel({ clusterId }: { clusterId: string }) {
  const live = useLoad<GatewayLiveState>(() => call('clusters:gatewayState', { clusterId }), clusterId);
  const s = live.data;
  return (
    <Card withBorder padding="sm" data-testid="gateway-live">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={5}>Gateway, live</Title>
          <Group gap="xs">
            {s && (
              <Text size="xs" c="dimmed">
                Read <Time iso={s.readAt} size="xs" />
              </Text>
            )}
            <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} loading={live.loading} onClick={() => void live.reload()} data-testid="gateway-live-refresh">
              Refresh
            </Button>
          </Group>
        </Group>
        {live.error && <ErrorAlert title="Could not read the gateway's state" error={live.error} />}
        {s && (
          <>
            <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
              <Text size="sm">
                Config loaded <Time iso={s.loadedAt} />
              </Text>
              <Text size="sm" data-testid="gateway-live-reload">
                Last reload: {s.lastReload.at === null ? 'none since start' : s.lastReload.ok ? 'accepted' : `rejected (${s.lastReload.errors.length} errors)`}
              </Text>
              <Text size="sm">{s.apiKeys} API keys</Text>
              <Text size="sm">{s.inFlightStreams} streams in flight</Text>
            </SimpleGrid>
            {!s.lastReload.ok && (
              <Alert color="red" variant="light" title="The gateway rejected its newest config and keeps serving the previous one" data-testid="gateway-live-rejected">
                {s.lastReload.errors.join('; ')}
              </Alert>
            )}
            <Table data-testid="gateway-live-targets">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Model</Table.Th>
                  <Table.Th>Routing</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th ta="right">Weight</Table.Th>
                  <Table.Th ta="right">In flight</Table.Th>
                  <Table.Th ta="right">Latency (EWMA)</Table.Th>
                  <Table.Th>Breaker</Table.Th>
                  <Table.Th>KV cache</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {s.models.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={8}>
                      <Text size="sm" c="dimmed">
                        The gateway routes no models yet: they appear once a deployment or endpoint is added.
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {s.models.flatMap((m) =>
                  m.targets.map((t, i) => (
                    <Table.Tr key={`${m.name}/${t.id}`} data-testid={`gateway-live-target-${m.name}-${i}`}>
                      <Table.Td>{i === 0 ? m.name : ''}</Table.Td>
                      <Table.Td>{i === 0 ? m.strategy : ''}</Table.Td>
                      <Table.Td>
                        {t.provider} <Text span size="xs" c="dimmed">({t.kind})</Text>
                      </Table.Td>
                      <Table.Td ta="right">{t.weight}</Table.Td>
                      <Table.Td ta="right">{t.outstanding}</Table.Td>
                      <Table.Td ta="right">{t.ewmaMs > 0 ? `${t.ewmaMs.toFixed(1)} ms` : '—'}</Table.Td>
                      <Table.Td>
                        <Badge color={BREAKER[t.breaker].color} variant="light">
                          {BREAKER[t.breaker].label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{kvLine(t.kv)}</Table.Td>
                    </Table.Tr>
                  )),
                )}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Stack>
    </Card>
  );
}
