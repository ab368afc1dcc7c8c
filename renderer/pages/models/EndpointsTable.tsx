import { Badge, Button, Group, Menu, Stack, Table, Text } from '@mantine/core';
import { IconCloudComputing, IconPencil, IconPlugConnected, IconTrash } from '@tabler/icons-react';
import { useCallback, type ReactNode } from 'react';
import type { Endpoint } from '../../../main/core/endpoints/types';
import { LimitsCell } from '../../components/LimitsCell';
import { DataTable } from '../../components/DataTable';
import { RowActionsMenu } from '../../components/RowActionsMenu';
import { kindLabel } from './form';
import { LastTestBadge } from './TestResult';

type Key = 'name' | 'kind' | 'baseUrl' | 'upstreamModel';

interface Props {
  endpoints: Endpoint[];
  currentProject: string | null;
  canManage: boolean;
  testing: string | null;
  emptyAction: ReactNode;
  onTest(e: Endpoint): void;
  onEdit(e: Endpoint): void;
  onRemove(e: Endpoint): void;
}

function Projects({ e, current }: { e: Endpoint; current: string | null }) {
  if (e.projects === null) {
    return (
      <Text size="sm" c="dimmed">
        All projects
      </Text>
    );
  }
  return (
    <Group gap={4}>
      {e.projects.map((p) => (
        <Badge key={p.id} size="sm" variant={p.name === current ? 'filled' : 'default'}>
          {p.name}
        </Badge>
      ))}
      {e.hiddenProjectCount > 0 && (
        <Text size="xs" c="dimmed">
          +{e.hiddenProjectCount} you cannot see
        </Text>
      )}
      {e.projects.length + e.hiddenProjectCount === 0 && (
        <Text size="sm" c="red">
          No project
        </Text>
      )}
    </Group>
  );
}

export function EndpointsTable({ endpoints, currentProject, canManage, testing, emptyAction, onTest, onEdit, onRemove }: Props) {
  const pick = useCallback((e: Endpoint, k: Key) => e[k], []);

  return (
    <DataTable
      minWidth={1080}
      testId="endpoints-table"
      columns={[
        { sortKey: 'name', label: 'Name' },
        { sortKey: 'kind', label: 'Kind', w: 120 },
        { sortKey: 'baseUrl', label: 'Base URL' },
        { sortKey: 'upstreamModel', label: 'Upstream model' },
        { label: 'Key', w: 72 },
        { label: 'Projects', w: 120 },
        { label: 'Limits', w: 130 },
        { label: 'Last test', w: 140 },
        { w: 104 },
      ]}
      rows={endpoints}
      initialSort={{ key: 'name', dir: 'asc' }}
      pick={pick}
      empty={{
        icon: <IconCloudComputing size={24} />,
        title: 'No endpoints yet',
        description: 'An endpoint is a model Foundry does not run itself: OpenAI, Azure OpenAI, Anthropic, or a private OpenAI-compatible server (vLLM, SGLang, llama.cpp) with its own key. The gateway in every synced cluster serves it under the name you give it; until there is one, the gateways route nothing.',
        action: emptyAction,
      }}
      row={(e) => (
        <Table.Tr key={e.id} data-testid={`endpoint-row-${e.name}`}>
          <Table.Td>
            <Stack gap={0}>
              <Text fw={600} size="sm" ff="monospace">
                {e.name}
              </Text>
              {e.fallback && (
                <Text size="xs" c="dimmed">
                  falls back to {e.fallback.name}
                </Text>
              )}
            </Stack>
          </Table.Td>
          <Table.Td>
            <Text size="sm">{kindLabel(e.kind)}</Text>
            {e.apiVersion && (
              <Text size="xs" c="dimmed">
                {e.apiVersion}
              </Text>
            )}
          </Table.Td>
          <Table.Td>
            <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
              {e.baseUrl}
            </Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
              {e.upstreamModel}
            </Text>
          </Table.Td>
          <Table.Td>
            <Badge size="sm" tt="none" variant="light" color={e.keySet ? 'teal' : 'gray'} data-testid="key-set">
              {e.keySet ? 'Set' : 'None'}
            </Badge>
          </Table.Td>
          <Table.Td>
            <Projects e={e} current={currentProject} />
          </Table.Td>
          <Table.Td>
            <LimitsCell limits={e} testId={`endpoint-limits-${e.name}`} />
          </Table.Td>
          <Table.Td>
            <LastTestBadge result={e.lastTest} />
          </Table.Td>
          <Table.Td>
            <Group gap={4} wrap="nowrap" justify="flex-end">
              <Button size="compact-sm" variant="default" leftSection={<IconPlugConnected size={14} />} loading={testing === e.id} onClick={() => onTest(e)} data-testid={`endpoint-test-${e.name}`}>
                Test
              </Button>
              {canManage && (
                <RowActionsMenu name={e.name} testId={`endpoint-actions-${e.name}`}>
                  <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => onEdit(e)} data-testid="endpoint-edit">
                    Edit endpoint
                  </Menu.Item>
                  <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => onRemove(e)} data-testid="endpoint-remove">
                    Remove endpoint…
                  </Menu.Item>
                </RowActionsMenu>
              )}
            </Group>
          </Table.Td>
        </Table.Tr>
      )}
    />
  );
}
