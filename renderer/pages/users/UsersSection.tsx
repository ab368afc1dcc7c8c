import { Button, Group, Text } from '@mantine/core';
import { IconUserPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { Role } from '../../../main/core/access/permissions';
import type { User } from '../../../main/core/access/users';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifyDone, notifyError } from '../../components/notify';
import type { Loaded } from '../../components/useLoad';
import { useSession } from '../../stores/session';
import { CreateUserModal } from './CreateUserModal';
import { ResetPasswordModal } from './ResetPasswordModal';
import { UsersTable } from './UsersTable';

export function UsersSection({ users, canManage }: { users: Loaded<User[]>; canManage: boolean }) {
  const me = useSession((s) => s.user);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);

  const update = async (user: User, change: { role?: Role; disabled?: boolean }, done: string) => {
    try {
      await call('users:update', { userId: user.id, ...change });
      notifyDone(done);
    } catch (err) {
      notifyError(`Could not change ${user.username}`, err);
    }
    await users.reload();
  };

  return (
    <>
      <Group justify="space-between" mb="sm">
        <Text size="sm" c="dimmed">
          Local accounts on this installation. Disabling a user ends their sessions.
        </Text>
        {canManage && (
          <Button leftSection={<IconUserPlus size={16} />} onClick={() => setCreating(true)} data-testid="create-user">
            New user
          </Button>
        )}
      </Group>
      {users.error && <ErrorAlert error={users.error} />}
      {users.data && (
        <UsersTable
          users={users.data}
          meId={me?.id}
          canManage={canManage}
          onRole={(u, role) => void update(u, { role }, `${u.username} is now ${role}`)}
          onToggleDisabled={(u) => void update(u, { disabled: !u.disabled }, `${u.username} ${u.disabled ? 'enabled' : 'disabled'}`)}
          onResetPassword={setResetting}
        />
      )}
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} onCreated={(u) => { notifyDone(`Created ${u.username}`); void users.reload(); }} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
    </>
  );
}
