import { Button, PasswordInput, Select, TextInput } from '@mantine/core';
import type { Role } from '../../../main/core/access/permissions';
import type { User } from '../../../main/core/access/users';
import { call } from '../../client';
import { FormModal } from '../../components/FormModal';
import { useAction } from '../../components/useAction';
import { useModalForm } from '../../components/useModalForm';
import { MIN_PASSWORD, PASSWORD_RULE } from '../SetupPage';
import { roleData } from './roles';

const EMPTY = { username: '', displayName: '', role: 'developer' as Role, password: '' };

export function CreateUserModal({ opened, onClose, onCreated }: { opened: boolean; onClose(): void; onCreated(user: User): void }) {
  const { busy, error, setError, run } = useAction();
  const [form, set] = useModalForm(opened, null, () => EMPTY, () => setError(null));
  const { username, displayName, role, password } = form;

  const submit = () =>
    run(async () => {
      const user = await call('users:create', { username: username.trim(), displayName: displayName.trim() || undefined, role, password });
      onCreated(user);
      onClose();
    });

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title="New user"
      testId="create-user-form"
      onSubmit={submit}
      error={error}
      actions={
        <Button type="submit" loading={busy} disabled={!username || password.length < MIN_PASSWORD} data-testid="create-user-submit">
          Create user
        </Button>
      }
    >
      <TextInput label="Username" required value={username} onChange={(e) => set({ username: e.currentTarget.value })} data-autofocus name="newUsername" />
      <TextInput label="Display name" value={displayName} onChange={(e) => set({ displayName: e.currentTarget.value })} name="newDisplayName" />
      <Select label="Role" data={roleData} value={role} onChange={(v) => v && set({ role: v as Role })} allowDeselect={false} data-testid="create-user-role" />
      <PasswordInput
        label="Initial password"
        description={`${PASSWORD_RULE} Share it privately; they can change it in Settings.`}
        required
        value={password}
        onChange={(e) => set({ password: e.currentTarget.value })}
        autoComplete="new-password"
        name="newPassword"
      />
    </FormModal>
  );
}
