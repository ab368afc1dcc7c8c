import { Badge, Menu, Select, Table, Text } from '@mantine/core';
import { IconKey, IconUserCheck, IconUserOff, IconUsers } from '@tabler/icons-react';
import { useCallback } from 'react';
import type { Role } from '../../../main/core/access/permissions';
import type { User } from '../../../main/core/access/users';
import { SortableTh } from '../../components/SortableTh';
import { DataTable } from '../../components/DataTable';
import { RowActionsMenu } from '../../components/RowActionsMenu';
import { TableEmpty } from '../../components/TableEmpty';
import { Time } from '../../components/Time';
import { useSort } from '../../components/sort';
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
  const { sorted, sort, toggle } = useSort(users, { key: 'username', dir: 'asc' }, pick);

  return (
    <DataTable
      minWidth={720}
      testId="users-table"
      head={
        <>
          <SortableTh column="username" sort={sort} onSort={toggle}>
            Username
          </SortableTh>
          <SortableTh column="displayName" sort={sort} onSort={toggle}>
            Display name
          </SortableTh>
          <SortableTh column="role" sort={sort} onSort={toggle} w={170}>
            Role
          </SortableTh>
          <SortableTh column="disabled" sort={sort} onSort={toggle} w={110}>
            Status
          </SortableTh>
          <SortableTh column="createdAt" sort={sort} onSort={toggle} w={180}>
            Created
          </SortableTh>
          <Table.Th w={48} />
        </>
      }
      empty={sorted.length === 0 && <TableEmpty colSpan={6} icon={<IconUsers size={22} />} title="No users" />}
    >
      {sorted.map((u) => (
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
      ))}
    </DataTable>
  );
}
