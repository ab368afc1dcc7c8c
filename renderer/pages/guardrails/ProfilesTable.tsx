import { Badge, Group, Menu, Stack, Table, Text } from '@mantine/core';
import { IconPencil, IconShieldPlus, IconTrash } from '@tabler/icons-react';
import { useCallback, type ReactNode } from 'react';
import type { GuardrailProfile } from '../../../main/core/guardrails/service';
import { Time } from '../../components/Time';
import { PII_KINDS, PII_LABELS } from './form';
import { SelectableRow } from '../../components/SelectableRow';
import { DataTable } from '../../components/DataTable';
import { RowActionsMenu } from '../../components/RowActionsMenu';

type Key = 'name' | 'projectCount' | 'updatedAt';

interface Props {
  profiles: GuardrailProfile[];
  selectedId: string | null;
  currentProject: string | null;
  canManage: boolean;
  emptyAction: ReactNode;
  onSelect(p: GuardrailProfile): void;
  onEdit(p: GuardrailProfile): void;
  onDelete(p: GuardrailProfile): void;
}

/** The policy's key facts as badges, readable without opening the profile. */
function PolicyBadges({ p }: { p: GuardrailProfile }) {
  const { policy } = p;
  return (
    <Group gap={4}>
      {policy.pii.length > 0 ? (
        <Badge variant="light" title={policy.pii.map((k) => PII_LABELS[k]).join(', ')}>
          {policy.pii.length === PII_KINDS.length ? 'All PII' : policy.pii.join(', ')} → {policy.action}
        </Badge>
      ) : (
        <Badge variant="outline" color="gray">
          No PII
        </Badge>
      )}
      {policy.deny.length > 0 && (
        <Badge variant="light" color="grape">
          {policy.deny.length} denied → {policy.deny_action}
        </Badge>
      )}
      {policy.rules.length > 0 && (
        <Badge variant="light" color="cyan">
          {policy.rules.length} regex
        </Badge>
      )}
      {policy.max_prompt_chars !== undefined && (
        <Badge variant="light" color="orange">
          ≤ {policy.max_prompt_chars.toLocaleString()} chars
        </Badge>
      )}
    </Group>
  );
}

export function ProfilesTable({ profiles, selectedId, currentProject, canManage, emptyAction, onSelect, onEdit, onDelete }: Props) {
  const pick = useCallback((p: GuardrailProfile, k: Key) => p[k], []);

  return (
    <DataTable
      minWidth={860}
      testId="profiles-table"
      columns={[
        { sortKey: 'name', label: 'Profile' },
        { label: 'Policy' },
        { sortKey: 'projectCount', label: 'Used by', w: 220 },
        { sortKey: 'updatedAt', label: 'Updated', w: 170 },
        { w: 48 },
      ]}
      rows={profiles}
      initialSort={{ key: 'name', dir: 'asc' }}
      pick={pick}
      empty={{
        icon: <IconShieldPlus size={24} />,
        title: 'No guardrail profiles yet',
        description: "A profile tells the gateway what to redact or block in a project's prompts and answers: emails, phone and card numbers, IBANs, API keys, denied terms, your own patterns, oversized prompts. Until a project has one, the gateway passes its traffic through unchanged.",
        action: emptyAction,
      }}
      row={(p) => (
        <SelectableRow key={p.id} selected={p.id === selectedId} onSelect={() => onSelect(p)} data-testid={`profile-row-${p.name}`}>
          <Table.Td>
            <Stack gap={0}>
              <Text fw={600} size="sm">
                {p.name}
              </Text>
              <Text size="xs" c="dimmed" lineClamp={1}>
                {p.description || 'No description'}
              </Text>
            </Stack>
          </Table.Td>
          <Table.Td>
            <PolicyBadges p={p} />
          </Table.Td>
          <Table.Td>
            <Group gap={4}>
              {p.projects.map((x) => (
                <Badge key={x.id} variant={x.name === currentProject ? 'filled' : 'default'} size="sm">
                  {x.name}
                </Badge>
              ))}
              {p.projectCount > p.projects.length && (
                <Text size="xs" c="dimmed">
                  +{p.projectCount - p.projects.length} you cannot see
                </Text>
              )}
              {p.projectCount === 0 && (
                <Text size="sm" c="dimmed">
                  No project
                </Text>
              )}
            </Group>
          </Table.Td>
          <Table.Td>
            <Time iso={p.updatedAt} />
          </Table.Td>
          <Table.Td onClick={(e) => e.stopPropagation()}>
            {canManage && (
              <RowActionsMenu name={p.name} testId={`profile-actions-${p.name}`}>
                <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => onEdit(p)}>
                  Edit profile
                </Menu.Item>
                <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => onDelete(p)} data-testid="profile-delete">
                  Delete profile…
                </Menu.Item>
              </RowActionsMenu>
            )}
          </Table.Td>
        </SelectableRow>
      )}
    />
  );
}
