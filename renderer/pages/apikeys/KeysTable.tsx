import { Badge, Button, Code, Group, Table, Text, Tooltip } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { useCallback, type ReactNode } from 'react';
import type { ApiKey } from '../../../main/core/access/api-keys';
import { DataTable } from '../../components/DataTable';
import { Time } from '../../components/Time';
import { formatTime } from '../../components/format';
import { statusColor } from '../../theme';
import { LimitsCell } from '../../components/LimitsCell';

type Key = 'name' | 'status' | 'monthlyTokenBudget' | 'expiresAt' | 'createdAt' | 'lastUsedAt';

interface Props {
  keys: ApiKey[];
  canManage: boolean;
  emptyAction: ReactNode;
  /** User id → username, when the role may list users; createdBy is a user id. */
  usernames?: ReadonlyMap<string, string>;
  onRevoke(key: ApiKey): void;
  onEditLimits(key: ApiKey): void;
}

function Models({ models }: { models: string[] }) {
  if (models.includes('*')) return <Badge variant="outline">all models</Badge>;
  const shown = models.slice(0, 2);
  return (
    <Tooltip label={models.join(', ')} disabled={models.length <= 2} multiline maw={320}>
      <Group gap={4} wrap="nowrap">
        {shown.map((m) => (
          <Badge key={m} variant="outline" tt="none" maw={140}>
            {m}
          </Badge>
        ))}
        {models.length > 2 && <Text size="xs">+{models.length - 2}</Text>}
      </Group>
    </Tooltip>
  );
}

export function KeysTable({ keys, canManage, emptyAction, usernames, onRevoke, onEditLimits }: Props) {
  const pick = useCallback((k: ApiKey, col: Key) => k[col], []);

  return (
    <DataTable
      minWidth={960}
      testId="keys-table"
      columns={[
        { sortKey: 'name', label: 'Name' },
        { label: 'Prefix' },
        { label: 'Allowed models' },
        { sortKey: 'monthlyTokenBudget', label: 'Limits' },
        { sortKey: 'expiresAt', label: 'Expires' },
        { sortKey: 'status', label: 'Status' },
        { sortKey: 'createdAt', label: 'Created' },
        { w: 150 },
      ]}
      rows={keys}
      initialSort={{ key: 'createdAt', dir: 'desc' }}
      pick={pick}
      empty={{
        icon: <IconKey size={22} />,
        title: 'No API keys match',
        description: "Keys let applications call this project's models through the gateway. Each is shown once when created.",
        action: emptyAction,
      }}
      row={(k) => (
        <Table.Tr key={k.id} data-testid={`key-row-${k.name}`} opacity={k.status === 'active' ? 1 : 0.7}>
          <Table.Td>
            <Text size="sm" fw={600}>
              {k.name}
            </Text>
          </Table.Td>
          <Table.Td>
            <Code>{k.prefix}…</Code>
          </Table.Td>
          <Table.Td>
            <Models models={k.allowedModels} />
          </Table.Td>
          <Table.Td>
            <LimitsCell limits={k} testId={`key-limits-${k.name}`} />
          </Table.Td>
          <Table.Td>{k.expiresAt ? <Time iso={k.expiresAt} /> : <Text size="sm" c="dimmed">Never</Text>}</Table.Td>
          <Table.Td>
            <Tooltip label={k.revokedAt ? `Revoked ${formatTime(k.revokedAt)}` : k.lastUsedAt ? `Last used ${formatTime(k.lastUsedAt)}` : 'Never used'}>
              <Badge color={statusColor(k.status)} data-testid="key-status">
                {k.status}
              </Badge>
            </Tooltip>
          </Table.Td>
          <Table.Td>
            <Time iso={k.createdAt} />
            {usernames?.get(k.createdBy) && (
              <Text size="xs" c="dimmed">
                by {usernames.get(k.createdBy)}
              </Text>
            )}
          </Table.Td>
          <Table.Td>
            {canManage && k.status !== 'revoked' && (
              <Group gap={4} wrap="nowrap">
                <Button size="xs" variant="subtle" onClick={() => onEditLimits(k)} data-testid={`key-edit-limits-${k.name}`}>
                  Limits
                </Button>
                <Button size="xs" variant="subtle" color="red" onClick={() => onRevoke(k)} data-testid={`key-revoke-${k.name}`}>
                  Revoke
                </Button>
              </Group>
            )}
          </Table.Td>
        </Table.Tr>
      )}
    />
  );
}
