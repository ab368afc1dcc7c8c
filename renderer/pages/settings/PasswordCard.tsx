import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { notifyDone } from '../../components/notify';
import { useAction } from '../../components/useAction';
import { MIN_PASSWORD, PASSWORD_RULE } from '../SetupPage';
import { SettingsCard } from './SettingsCard';

export function PasswordCard() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, run } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      await call('auth:changePassword', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setConfirm('');
      notifyDone('Password changed', 'Your other sessions were signed out.');
    });
  };

  return (
    <SettingsCard title="Change your password" description="Signs out your other sessions." testId="settings-password">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <PasswordInput label="Current password" required value={current} onChange={(e) => setCurrent(e.currentTarget.value)} autoComplete="current-password" />
          <PasswordInput label="New password" description={PASSWORD_RULE} required value={next} onChange={(e) => setNext(e.currentTarget.value)} autoComplete="new-password" />
          <PasswordInput
            label="Confirm new password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={confirm && confirm !== next ? 'The passwords differ.' : undefined}
            autoComplete="new-password"
          />
          {error && <ErrorAlert error={error} />}
          <Group justify="flex-end">
            <Button type="submit" loading={busy} disabled={!current || next.length < MIN_PASSWORD || next !== confirm}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </SettingsCard>
  );
}
