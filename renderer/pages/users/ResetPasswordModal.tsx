import { Button, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import type { User } from '../../../main/core/access/users';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ModalActions } from '../../components/ModalActions';
import { notifyDone } from '../../components/notify';
import { useAction } from '../../components/useAction';
import { MIN_PASSWORD, PASSWORD_RULE } from '../SetupPage';

export function ResetPasswordModal({ user, onClose }: { user: User | null; onClose(): void }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    setPassword('');
    setConfirm('');
    setError(null);
  }, [user, setError]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!user) return;
    await run(async () => {
      await call('users:resetPassword', { userId: user.id, password });
      notifyDone('Password reset', `${user.username} was signed out everywhere and must use the new password.`);
      onClose();
    });
  };

  return (
    <Modal opened={!!user} onClose={onClose} title={`Reset ${user?.username ?? ''}'s password`}>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Text size="sm">This ends all of their sessions.</Text>
          <PasswordInput label="New password" description={PASSWORD_RULE} required value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" data-autofocus />
          <PasswordInput
            label="Confirm"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={confirm && confirm !== password ? 'The passwords differ.' : undefined}
            autoComplete="new-password"
          />
          {error && <ErrorAlert error={error} />}
          <ModalActions onCancel={onClose}>
            <Button type="submit" color="red" loading={busy} disabled={password.length < MIN_PASSWORD || password !== confirm}>
              Reset password
            </Button>
          </ModalActions>
        </Stack>
      </form>
    </Modal>
  );
}
