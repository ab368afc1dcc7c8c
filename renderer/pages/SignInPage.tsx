import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../components/ErrorAlert';
import { useAction } from '../components/useAction';
import { useSession } from '../stores/session';
import { AuthLayout } from './AuthLayout';

export function SignInPage() {
  const signIn = useSession((s) => s.signIn);
  const notice = useSession((s) => s.notice);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(() => signIn({ username: username.trim(), password }), { keepBusyOnSuccess: true });
  };

  return (
    <AuthLayout testId="signin-form" title="Sign in" subtitle="Use your local Foundry account.">
      {notice && !error && (
        <Alert color="yellow" variant="light" title={notice.message}>
          {notice.hint}
        </Alert>
      )}
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput label="Username" required value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoComplete="username" data-autofocus name="username" />
          <PasswordInput label="Password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" name="password" />
          {error && <ErrorAlert error={error} />}
          <Button type="submit" loading={busy} disabled={!username || !password} data-testid="signin-submit">
            Sign in
          </Button>
        </Stack>
      </form>
    </AuthLayout>
  );
}
