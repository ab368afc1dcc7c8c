import { AppShell, Badge, Group, Progress, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconCircleFilled, IconUser } from '@tabler/icons-react';
import { ClusterStatus } from './ClusterStatus';
import { runningSummary } from '../stores/job-events';
import { useJobs } from '../stores/jobs';
import { useSession } from '../stores/session';

const LIVE_LABEL = { open: 'Live updates on', closed: 'Reconnecting to live updates…', off: 'Live updates off' } as const;

export function StatusBar() {
  const jobs = useJobs((s) => s.jobs);
  const live = useJobs((s) => s.live);
  const openDrawer = useJobs((s) => s.openDrawer);
  const user = useSession((s) => s.user);
  const { count, progress } = runningSummary(jobs);

  return (
    <AppShell.Footer px="sm" data-testid="status-bar">
      <Group h="100%" justify="space-between" wrap="nowrap" gap="md">
        <Group gap="md" wrap="nowrap">
          <ClusterStatus />
          <UnstyledButton onClick={() => openDrawer()} data-testid="status-jobs" aria-label="Open background jobs">
            <Group gap={6} wrap="nowrap">
              <Text size="xs">{count === 0 ? 'No running jobs' : `${count} running job${count === 1 ? '' : 's'}`}</Text>
              {count > 0 && <Progress value={progress * 100} w={80} size="sm" animated aria-label="Running jobs progress" />}
              {jobs.length > 0 && count === 0 && (
                <Text size="xs" c="dimmed">
                  · {jobs.length} recent
                </Text>
              )}
            </Group>
          </UnstyledButton>
        </Group>
        <Group gap="md" wrap="nowrap">
          <Tooltip label={LIVE_LABEL[live]}>
            <IconCircleFilled size={8} color={`var(--mantine-color-${live === 'open' ? 'teal' : live === 'closed' ? 'yellow' : 'gray'}-6)`} aria-label={LIVE_LABEL[live]} />
          </Tooltip>
          {user && (
            <Group gap={6} wrap="nowrap" data-testid="status-user">
              <IconUser size={14} />
              <Text size="xs">{user.displayName || user.username}</Text>
              <Badge size="xs" variant="outline">
                {user.role}
              </Badge>
            </Group>
          )}
        </Group>
      </Group>
    </AppShell.Footer>
  );
}
