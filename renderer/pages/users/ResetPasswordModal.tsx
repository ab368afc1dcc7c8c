import { Button, PasswordInput, Text } from '@mantine/core';
import type { User } from '../../../main/core/access/users';
import { call } from '../../client';
import { FormModal } from '../../components/FormModal';
import { notifyDone } from '../../components/notify';
import { useAction } from '../../components/useAction';
import { useModalForm } from '../../components/useModalForm';
import { MIN_PASSWORD, PASSWORD_RULE } from '../SetupPage';

export function ResetPasswordModal({ user, onClose }: { user: User | null; onClose(): void }) {
  const { busy, error, setError, run } = useAction();
  const [form, set] = useModalForm(user !== null, user, () => ({ password: '', confirm: '' }), () => setError(null));
  const { password, confirm } = form;

  const submit = async () => {
    if (!user) return;
    await run(async () => {
      await call('users:resetPassword', { userId: user.id, password });
      notifyDone('Password reset', `${user.username} was signed out everywhere and must use the new password.`);
      onClose();
    });
  };

  return (
    <FormModal
      opened={!!user}
      onClose={onClose}
      title={`Reset ${user?.username ?? ''}'s password`}
      onSubmit={submit}
      error={error}
      actions={
        <Button type="submit" color="red" loading={busy} disabled={password.length < MIN_PASSWORD || password !== confirm}>
          Reset password
        </Button>
      }
    >
      <Text size="sm">This ends all of their sessions.</Text>
      <PasswordInput label="New password" description={PASSWORD_RULE} required value={password} onChange={(e) => set({ password: e.currentTarget.value })} autoComplete="new-password" data-autofocus />
      <PasswordInput
        label="Confirm"
        required
        value={confirm}
        onChange={(e) => set({ confirm: e.currentTarget.value })}
        error={confirm && confirm !== password ? 'The passwords differ.' : undefined}
        autoComplete="new-password"
      />
    </FormModal>
  );
}
