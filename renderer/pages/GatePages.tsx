import { Button, Code, Loader, Stack, Text } from '@mantine/core';
import { ErrorAlert } from '../components/ErrorAlert';
import { useSession } from '../stores/session';
import { AuthLayout } from './AuthLayout';

/** Browser mode opened without `#token=…`: the core would refuse every call, so say how to get in. */
export function NoLaunchTokenPage() {
  return (
    <AuthLayout testId="no-launch-token" title="This page needs its launch token">
      <Text size="sm">
        Open the URL printed by <Code>npm run web</Code> (it carries a one-time token).
      </Text>
      <Text size="sm" c="dimmed">
        The token keeps other local programs and web pages from using Foundry through this port. Run <Code>npm run web</Code> again to get a new one.
      </Text>
    </AuthLayout>
  );
}

export function LoadingPage() {
  return (
    <Stack mih="100vh" align="center" justify="center">
      <Loader />
    </Stack>
  );
}

export function UnreachablePage() {
  const notice = useSession((s) => s.notice);
  const refresh = useSession((s) => s.refresh);
  return (
    <AuthLayout testId="unreachable" title="Foundry’s core is not answering">
      {notice && <ErrorAlert error={notice} />}
      <Button onClick={() => void refresh()}>Try again</Button>
    </AuthLayout>
  );
}
