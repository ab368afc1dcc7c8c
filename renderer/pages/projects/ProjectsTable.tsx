import { Badge, Button, Group, Menu, Table, Text } from '@mantine/core';
import { IconFolderPlus, IconPencil, IconTrash } from '@tabler/icons-react';
import { useCallback } from 'react';
import type { Project } from '../../../main/core/access/projects';
import { DataTable } from '../../components/DataTable';
import { RowActionsMenu } from '../../components/RowActionsMenu';
import { Time } from '../../components/Time';
import { SelectableRow } from '../../components/SelectableRow';
import { LimitsCell } from '../../components/LimitsCell';

type Key = 'name' | 'memberCount' | 'apiKeyCount' | 'createdAt';

interface Props {
  projects: Project[];
  selectedId: string | null;
  canManage: boolean;
  onSelect(project: Project): void;
  onCreate(): void;
  onEdit(project: Project): void;
  onDelete(project: Project): void;
}

export function ProjectsTable({ projects, selectedId, canManage, onSelect, onCreate, onEdit, onDelete }: Props) {
  const pick = useCallback((p: Project, k: Key) => p[k], []);

  return (
    <DataTable
      minWidth={900}
      testId="projects-table"
      columns={[
        { sortKey: 'name', label: 'Name' },
        { label: 'Description' },
        { sortKey: 'memberCount', label: 'Members', w: 110 },
        { sortKey: 'apiKeyCount', label: 'API keys', w: 110 },
        { label: 'Gateway limits' },
        { sortKey: 'createdAt', label: 'Created', w: 180 },
        { w: 48 },
      ]}
      rows={projects}
      initialSort={{ key: 'name', dir: 'asc' }}
      pick={pick}
      empty={{
        icon: <IconFolderPlus size={24} />,
        title: 'No projects yet',
        description: 'A project groups API keys, deployments and members. Create one to get started.',
        action: canManage && <Button onClick={onCreate}>New project</Button>,
      }}
      row={(p) => (
        <SelectableRow key={p.id} selected={p.id === selectedId} onSelect={() => onSelect(p)} data-testid={`project-row-${p.name}`}>
          <Table.Td>
            <Group gap="xs" wrap="nowrap">
              <Text fw={600} size="sm">
                {p.name}
              </Text>
              {p.id === selectedId && <Badge size="xs">current</Badge>}
            </Group>
          </Table.Td>
          <Table.Td>
            <Text size="sm" c={p.description ? undefined : 'dimmed'} lineClamp={1}>
              {p.description || 'No description'}
            </Text>
          </Table.Td>
          <Table.Td>{p.memberCount}</Table.Td>
          <Table.Td>{p.apiKeyCount}</Table.Td>
          <Table.Td>
            <LimitsCell limits={p} logBodies={p.logBodies} testId={`project-limits-${p.name}`} />
          </Table.Td>
          <Table.Td>
            <Time iso={p.createdAt} />
          </Table.Td>
          <Table.Td onClick={(e) => e.stopPropagation()}>
            {canManage && (
              <RowActionsMenu name={p.name} testId={`project-actions-${p.name}`}>
                <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => onEdit(p)}>
                  Edit description
                </Menu.Item>
                <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => onDelete(p)}>
                  Delete project…
                </Menu.Item>
              </RowActionsMenu>
            )}
          </Table.Td>
        </SelectableRow>
      )}
    />
  );
}
