import { Drawer, EmptyState, Stack } from '@mantine/core';
import { IconClockPlay } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useJobs } from '../stores/jobs';
import { JobCard } from './JobCard';

export function JobsDrawer() {
  const opened = useJobs((s) => s.drawerOpen);
  const close = useJobs((s) => s.closeDrawer);
  const jobs = useJobs((s) => s.jobs);
  const focused = useJobs((s) => s.focusedJobId);
  const load = useJobs((s) => s.load);
  const [expanded, setExpanded] = useState<string | null>(null);

  useEffect(() => {
    if (opened) {
      void load();
      if (focused) setExpanded(focused);
    }
  }, [opened, focused, load]);

  return (
    <Drawer opened={opened} onClose={close} position="right" size="md" title="Background jobs" data-testid="jobs-drawer">
      {jobs.length === 0 ? (
        <EmptyState
          icon={<IconClockPlay size={28} />}
          withIndicatorBackground
          title="No jobs yet"
          description="Long work — imports, installs, deployments, benchmarks, key rotation — runs here, with progress, logs and Cancel."
          mt="xl"
        />
      ) : (
        <Stack gap="sm">
          {jobs.map((job) => (
            <JobCard key={job.id} job={job} expanded={expanded === job.id} onToggle={() => setExpanded((e) => (e === job.id ? null : job.id))} />
          ))}
        </Stack>
      )}
    </Drawer>
  );
}
