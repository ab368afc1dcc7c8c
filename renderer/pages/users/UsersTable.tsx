import { Badge, Menu, Select, Table, Text } from '@mantine/core';
import { IconKey, IconUserCheck, IconUserOff, IconUsers } from '@tabler/icons-react';
import { useCallback } from 'react';
import type { Role } from '../../../main/core/access/permissions';
import type { User } from '../../../main/core/access/users';
import { DataTable } from '../../components/DataTable';
import { RowActionsMenu } from '../../components/RowActionsMenu';
import { Time } from '../../components/Time';
import { statusColor } from '../../theme';
import { ROLE_OPTIONS } from './roles';

type Key = 'username' | 'displayName' | 'role' | 'disabled' | 'createdAt';

interface Props {
  users: User[];
  meId: string | undefined;
  canManage: boolean;
  onRole(user: User, role: Role): void;
  onToggleDisabled(user: User): void;
  onResetPassword(user: User): void;
}

const roleRank = (r: Role) => ROLE_OPTIONS.indexOf(r);

export function UsersTable({ users, meId, canManage, onRole, onToggleDisabled, onResetPassword }: Props) {
  const pick = useCallback((u: User, k: Key) => (k === 'role' ? roleRank(u.role) : u[k]), []);

  return (
    <DataTable
      minWidth={720}
      testId="users-table"
      columns={[
        { sortKey: 'username', label: 'Username' },
        { sortKey: 'displayName', label: 'Display name' },
        { sortKey: 'role', label: 'Role', w: 170 },
        { sortKey: 'disabled', label: 'Status', w: 110 },
        { sortKey: 'createdAt', label: 'Created', w: 180 },
        { w: 48 },
      ]}
      rows={users}
      initialSort={{ key: 'username', dir: 'asc' }}
      pick={pick}
      empty={{
        icon: <IconUsers size={22} />,
        title: 'No users',
      }}
      row={(u) => (
        <Table.Tr key={u.id} data-testid={`user-row-${u.username}`}>
          <Table.Td>
            <Text size="sm" fw={600}>
              {u.username}
              {u.id === meId && (
                <Text span size="xs" c="dimmed">
                  {' '}
                  (you)
                </Text>
              )}
            </Text>
          </Table.Td>
          <Table.Td>{u.displayName || <Text c="dimmed">—</Text>}</Table.Td>
          <Table.Td>
            {canManage ? (
              <Select
                size="xs"
                data={[...ROLE_OPTIONS]}
                value={u.role}
                onChange={(v) => v && v !== u.role && onRole(u, v as Role)}
                allowDeselect={false}
                aria-label={`Role of ${u.username}`}
                w={130}
              />
            ) : (
              u.role
            )}
          </Table.Td>
          <Table.Td>
            <Badge color={statusColor(u.disabled ? 'disabled' : 'active')}>{u.disabled ? 'disabled' : 'active'}</Badge>
          </Table.Td>
          <Table.Td>
            <Time iso={u.createdAt} />
          </Table.Td>
          <Table.Td>
            {canManage && (
              <RowActionsMenu name={u.username}>
                <Menu.Item leftSection={<IconKey size={14} />} onClick={() => onResetPassword(u)}>
                  Reset password…
                </Menu.Item>
                <Menu.Item
                  color={u.disabled ? undefined : 'red'}
                  leftSection={u.disabled ? <IconUserCheck size={14} /> : <IconUserOff size={14} />}
                  disabled={u.id === meId}
                  onClick={() => onToggleDisabled(u)}
                >
                  {u.disabled ? 'Enable' : 'Disable'}
                </Menu.Item>
              </RowActionsMenu>
            )}
          </Table.Td>
        </Table.Tr>
      )}
    />
  );
}
