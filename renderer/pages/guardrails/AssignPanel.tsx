import { ActionIcon, Badge, Button, Group, Paper, Select, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconLinkOff } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { Project } from '../../../main/core/access/projects';
import type { GuardrailProfile } from '../../../main/core/guardrails/service';
import { call } from '../../client';
import { notifyDone, notifyError } from '../../components/notify';
import { useAction } from '../../components/useAction';

interface Props {
  profile: GuardrailProfile;
  projects: Project[];
  /** Project id → the name of the profile it uses now. */
  assignments: Map<string, string>;
  currentProjectId: string | null;
  canManage: boolean;
  onChanged(): Promise<void>;
}

/** Which projects use a profile; assigning replaces a project's previous profile (one per project). */
export function AssignPanel({ profile, projects, assignments, currentProjectId, canManage, onChanged }: Props) {
  const [projectId, setProjectId] = useState<string | null>(null);
  const { busy, run } = useAction();
  const candidates = projects.filter((p) => assignments.get(p.id) !== profile.name);

  // Offer the current project first, when it does not use this profile yet; only when the profile
  // or the current project changes, so a user's own choice is not overwritten on reload.
  const offerCurrent = currentProjectId !== null && assignments.get(currentProjectId) !== profile.name;
  useEffect(() => {
    setProjectId(offerCurrent ? currentProjectId : null);
  }, [profile.id, currentProjectId, offerCurrent]);

  const assign = (target: string, profileId: string | null, done: string) =>
    run(
      async () => {
        await call('guardrails:assign', { projectId: target, profileId });
        notifyDone(done);
        await onChanged();
      },
      { onError: (err) => notifyError('Could not change the project’s guardrail profile', err) },
    );

  return (
    <Paper withBorder p="md" data-testid="assign-panel">
      <Stack gap="sm">
        <Title order={4}>Projects using {profile.name}</Title>
        <Group gap="xs">
          {profile.projects.length === 0 && (
            <Text size="sm" c="dimmed">
              No project uses this profile yet; the gateway applies it only to projects assigned here.
            </Text>
          )}
          {profile.projects.map((p) => (
            <Badge
              key={p.id}
              size="lg"
              variant="light"
              data-testid={`assigned-${p.name}`}
              rightSection={
                canManage && (
                  <Tooltip label={`${p.name} will have no guardrail profile`}>
                    <ActionIcon size="xs" variant="transparent" aria-label={`Remove ${profile.name} from ${p.name}`} disabled={busy} onClick={() => void assign(p.id, null, `${p.name} has no guardrail profile now`)}>
                      <IconLinkOff size={12} />
                    </ActionIcon>
                  </Tooltip>
                )
              }
            >
              {p.name}
            </Badge>
          ))}
          {profile.projectCount > profile.projects.length && (
            <Text size="sm" c="dimmed">
              and {profile.projectCount - profile.projects.length} project(s) you are not a member of
            </Text>
          )}
        </Group>
        {canManage && (
          <Group gap="xs" align="flex-end">
            <Select
              label="Assign to project"
              placeholder={candidates.length ? 'Choose a project' : 'Every project you see uses it'}
              data={candidates.map((p) => ({ value: p.id, label: assignments.has(p.id) ? `${p.name} (now ${assignments.get(p.id)})` : p.name }))}
              value={projectId}
              onChange={setProjectId}
              disabled={candidates.length === 0}
              searchable
              w={320}
              data-testid="assign-project"
            />
            <Button
              disabled={!projectId}
              loading={busy}
              onClick={() => {
                const target = projects.find((p) => p.id === projectId);
                if (target) void assign(target.id, profile.id, `${target.name} now uses ${profile.name}`).then(() => setProjectId(null));
              }}
              data-testid="assign-submit"
            >
              Assign
            </Button>
            {projectId && assignments.has(projectId) && (
              <Text size="xs" c="dimmed" pb={8}>
                Replaces {assignments.get(projectId)} for that project.
              </Text>
            )}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
