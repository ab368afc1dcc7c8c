import { Badge, Button, Code, Collapse, Group, Paper, Progress, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconCheck, IconCircleDashed, IconLoader2, IconX } from '@tabler/icons-react';
import { useEffect } from 'react';
import type { JobSummary, StepStatus } from '../../main/core/jobs/types';
import { isActive } from '../stores/job-events';
import { useJobs } from '../stores/jobs';
import { statusColor } from '../theme';
import { formatTime } from './format';

const STEP_ICON: Record<StepStatus, typeof IconCheck> = {
  pending: IconCircleDashed,
  running: IconLoader2,
  done: IconCheck,
  failed: IconX,
  cancelled: IconX,
};

function JobLogs({ jobId }: { jobId: string }) {
  const logs = useJobs((s) => s.logs[jobId]);
  const loadLogs = useJobs((s) => s.loadLogs);
  useEffect(() => {
    void loadLogs(jobId);
  }, [jobId, loadLogs]);
  if (!logs) return <Text size="xs" c="dimmed">Loading log…</Text>;
  if (logs.length === 0) return <Text size="xs" c="dimmed">No log lines yet.</Text>;
  return (
    <ScrollArea.Autosize mah={200}>
      <Code block data-testid="job-logs">
        {logs.map((l) => `${l.at.slice(11, 19)} ${l.level.padEnd(5)} ${l.message}`).join('\n')}
      </Code>
    </ScrollArea.Autosize>
  );
}

export function JobCard({ job, expanded, onToggle }: { job: JobSummary; expanded: boolean; onToggle(): void }) {
  const cancel = useJobs((s) => s.cancel);
  const active = isActive(job);
  return (
    <Paper withBorder p="sm" data-testid="job-card" data-job-status={job.status}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <UnstyledButton onClick={onToggle} style={{ flex: 1 }}>
            <Text fw={600} size="sm">
              {job.title}
            </Text>
            <Text size="xs" c="dimmed">
              {job.type} · started by {job.createdBy} · {formatTime(job.startedAt ?? job.createdAt)}
            </Text>
          </UnstyledButton>
          <Badge color={statusColor(job.status)}>{job.status}</Badge>
        </Group>
        <Progress value={job.progress * 100} size="sm" animated={active} color={statusColor(job.status)} aria-label={`${job.title} progress`} />
        {job.message && <Text size="xs">{job.message}</Text>}
        {job.error && (
          <Text size="xs" c="red">
            {job.error.message} {job.error.hint}
          </Text>
        )}
        {job.steps.length > 0 && (
          <Group gap="sm">
            {job.steps.map((step) => {
              const Icon = STEP_ICON[step.status];
              return (
                <Group key={step.name} gap={4} wrap="nowrap">
                  <Icon size={14} color={`var(--mantine-color-${statusColor(step.status === 'done' ? 'succeeded' : step.status)}-6)`} />
                  <Text size="xs">{step.name}</Text>
                </Group>
              );
            })}
          </Group>
        )}
        <Group justify="space-between">
          <UnstyledButton onClick={onToggle}>
            <Text size="xs" c="dimmed">
              {expanded ? 'Hide log' : 'Show log'}
            </Text>
          </UnstyledButton>
          {active && (
            <Button size="xs" variant="light" color="red" onClick={() => void cancel(job.id)} data-testid="job-cancel">
              Cancel
            </Button>
          )}
        </Group>
        <Collapse expanded={expanded}>{expanded && <JobLogs jobId={job.id} />}</Collapse>
      </Stack>
    </Paper>
  );
}
