import { Button, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import type { Role } from '../../../main/core/access/permissions';
import type { User } from '../../../main/core/access/users';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ModalActions } from '../../components/ModalActions';
import { useAction } from '../../components/useAction';
import { MIN_PASSWORD, PASSWORD_RULE } from '../SetupPage';
import { roleData } from './roles';

export function CreateUserModal({ opened, onClose, onCreated }: { opened: boolean; onClose(): void; onCreated(user: User): void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('developer');
  const [password, setPassword] = useState('');
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    if (!opened) return;
    setUsername('');
    setDisplayName('');
    setRole('developer');
    setPassword('');
    setError(null);
  }, [opened, setError]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      const user = await call('users:create', { username: username.trim(), displayName: displayName.trim() || undefined, role, password });
      onCreated(user);
      onClose();
    });
  };

  return (
    <Modal opened={opened} onClose={onClose} title="New user" data-testid="create-user-form">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput label="Username" required value={username} onChange={(e) => setUsername(e.currentTarget.value)} data-autofocus name="newUsername" />
          <TextInput label="Display name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} name="newDisplayName" />
          <Select label="Role" data={roleData} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} data-testid="create-user-role" />
          <PasswordInput
            label="Initial password"
            description={`${PASSWORD_RULE} Share it privately; they can change it in Settings.`}
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
            name="newPassword"
          />
          {error && <ErrorAlert error={error} />}
          <ModalActions onCancel={onClose}>
            <Button type="submit" loading={busy} disabled={!username || password.length < MIN_PASSWORD} data-testid="create-user-submit">
              Create user
            </Button>
          </ModalActions>
        </Stack>
      </form>
    </Modal>
  );
}
