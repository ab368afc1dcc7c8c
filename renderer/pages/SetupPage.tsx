import { Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../components/ErrorAlert';
import { useAction } from '../components/useAction';
import { useSession } from '../stores/session';
import { AuthLayout } from './AuthLayout';

export const PASSWORD_RULE = 'At least 10 characters.';
export const MIN_PASSWORD = 10;

/** First run: creates the admin account. The core re-checks every rule; these checks only save a round trip. */
export function SetupPage() {
  const setup = useSession((s) => s.setup);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, run } = useAction();

  const tooShort = password.length > 0 && password.length < MIN_PASSWORD;
  const mismatch = confirm.length > 0 && confirm !== password;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password.length < MIN_PASSWORD || password !== confirm) return;
    await run(
      async () => {
        const { vaultError } = await setup({ username: username.trim(), displayName: displayName.trim() || undefined, password });
        if (vaultError) {
          notifications.show({
            color: 'yellow',
            title: 'Secrets storage needs the OS keychain',
            message: `${vaultError} Your account works; Settings explains how to enable the vault.`,
            autoClose: 20_000,
          });
        }
      },
      { keepBusyOnSuccess: true },
    );
  };

  return (
    <AuthLayout testId="setup-form" title="Set up Foundry" subtitle="Create the first account. It becomes the admin of this installation.">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput label="Username" required value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoComplete="username" data-autofocus name="username" />
          <TextInput label="Display name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} name="displayName" />
          <PasswordInput
            label="Password"
            description={PASSWORD_RULE}
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={tooShort ? 'Use at least 10 characters.' : undefined}
            autoComplete="new-password"
            name="password"
          />
          <PasswordInput
            label="Confirm password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={mismatch ? 'The passwords differ.' : undefined}
            autoComplete="new-password"
            name="confirm"
          />
          {error && <ErrorAlert error={error} />}
          <Button type="submit" loading={busy} disabled={!username || password.length < MIN_PASSWORD || password !== confirm} data-testid="setup-submit">
            Create admin account
          </Button>
          {busy && !error && (
            <Text size="sm" c="dimmed" data-testid="setup-progress">
              Creating the vault's RSA-4096 key pair. This takes a few seconds, longer on a busy machine.
            </Text>
          )}
        </Stack>
      </form>
    </AuthLayout>
  );
}
