import { ActionIcon, Button, Group, Paper, Select, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconUserMinus, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import type { Project } from '../../../main/core/access/projects';
import type { User } from '../../../main/core/access/users';
import type { ProjectMember } from '../../../main/core/channels';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { TableEmpty } from '../../components/TableEmpty';
import { Time } from '../../components/Time';
import { notifyError } from '../../components/notify';
import { useAction } from '../../components/useAction';
import { useLoad } from '../../components/useLoad';

interface Props {
  project: Project;
  /** All users, when the role may list them; adding members needs it. */
  users: User[] | undefined;
  canManage: boolean;
  onChanged(): void;
}

export function MembersPanel({ project, users, canManage, onChanged }: Props) {
  const members = useLoad(() => call('projects:members', { projectId: project.id }), project.id);
  const [adding, setAdding] = useState<string | null>(null);
  const { busy, run } = useAction();

  // Member changes report failures in a toast: the panel has no form to hold an error.
  const change = (op: () => Promise<ProjectMember[]>, failure: string) =>
    run(
      async () => {
        await op();
        await members.reload();
        onChanged();
      },
      { onError: (err) => notifyError(failure, err) },
    );

  const memberIds = new Set((members.data ?? []).map((m) => m.userId));
  const candidates = (users ?? []).filter((u) => !memberIds.has(u.id) && !u.disabled);

  return (
    <Paper withBorder p="md" data-testid="members-panel">
      <Group justify="space-between" mb="sm">
        <Title order={4}>Members of {project.name}</Title>
        {canManage && users && (
          <Group gap="xs">
            <Select
              placeholder={candidates.length ? 'Add a user…' : 'Everyone is a member'}
              data={candidates.map((u) => ({ value: u.id, label: `${u.username} (${u.role})` }))}
              value={adding}
              onChange={setAdding}
              disabled={candidates.length === 0}
              searchable
              w={240}
              data-testid="member-add-select"
            />
            <Button
              disabled={!adding}
              loading={busy}
              onClick={() => adding && void change(() => call('projects:addMember', { projectId: project.id, userId: adding }), 'Could not add the member').then(() => setAdding(null))}
              data-testid="member-add"
            >
              Add
            </Button>
          </Group>
        )}
      </Group>
      {members.error && <ErrorAlert error={members.error} />}
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>User</Table.Th>
            <Table.Th>Role</Table.Th>
            <Table.Th>Added</Table.Th>
            <Table.Th w={48} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.data?.length === 0 && <TableEmpty colSpan={4} icon={<IconUsers size={22} />} title="No members" description="Admins and devops see every project; other roles see the projects they belong to." />}
          {(members.data ?? []).map((m) => (
            <Table.Tr key={m.userId} data-testid={`member-row-${m.username}`}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {m.username}
                </Text>
              </Table.Td>
              <Table.Td>{m.role}</Table.Td>
              <Table.Td>
                <Time iso={m.addedAt} />
              </Table.Td>
              <Table.Td>
                {canManage && (
                  <Tooltip label={`Remove ${m.username} from ${project.name}`}>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Remove ${m.username}`}
                      disabled={busy}
                      onClick={() => void change(() => call('projects:removeMember', { projectId: project.id, userId: m.userId }), 'Could not remove the member')}
                    >
                      <IconUserMinus size={16} />
                    </ActionIcon>
                  </Tooltip>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
