import { Button, Stack, Text } from '@mantine/core';
import { IconShieldPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import type { GuardrailProfile } from '../../main/core/guardrails/service';
import { call } from '../client';
import { ConfirmItemByName } from '../components/ConfirmItemByName';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { notifyDone } from '../components/notify';
import { useLoad } from '../components/useLoad';
import { useCan } from '../stores/abilities';
import { useProjects, useSelectedProject } from '../stores/projects';
import { AssignPanel } from './guardrails/AssignPanel';
import { ProfileFormModal } from './guardrails/ProfileFormModal';
import { ProfilesTable } from './guardrails/ProfilesTable';
import { TryPanel } from './guardrails/TryPanel';

export function GuardrailsPage() {
  const canManage = useCan('guardrail:manage');
  const profiles = useLoad(() => call('guardrails:list', {}), 'guardrails');
  const projects = useProjects((s) => s.projects);
  const current = useSelectedProject();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [form, setForm] = useState<{ profile: GuardrailProfile | null } | null>(null);
  const [deleting, setDeleting] = useState<GuardrailProfile | null>(null);

  const list = profiles.data ?? [];
  const selected = list.find((p) => p.id === selectedId) ?? null;
  const assignments = useMemo(() => new Map(list.flatMap((g) => g.projects.map((p) => [p.id, g.name] as const))), [list]);
  const currentUses = current ? assignments.get(current.id) : undefined;

  const newProfile = (testId: string) =>
    canManage && (
      <Button leftSection={<IconShieldPlus size={16} />} onClick={() => setForm({ profile: null })} data-testid={testId}>
        New profile
      </Button>
    );

  return (
    <>
      <PageHeader
        title="Guardrails"
        description={
          <>
            What the gateway redacts or blocks in a project&apos;s prompts and answers. Each project uses at most one profile.
            {current && (
              <Text span size="sm" ml={4} data-testid="current-project-guardrail">
                {currentUses ? (
                  <>
                    <b>{current.name}</b> uses <b>{currentUses}</b>.
                  </>
                ) : (
                  <>
                    <b>{current.name}</b> has no profile: the gateway passes its traffic through unchanged.
                  </>
                )}
              </Text>
            )}
          </>
        }
        actions={newProfile('create-profile')}
      />
      <Stack gap="md">
        {profiles.error && <ErrorAlert error={profiles.error} />}
        {profiles.data && (
          <ProfilesTable
            profiles={list}
            selectedId={selectedId}
            currentProject={current?.name ?? null}
            canManage={canManage}
            emptyAction={newProfile('create-profile-empty') || <Text size="sm">Ask an admin or devops user to create one.</Text>}
            onSelect={(p) => setSelectedId(p.id)}
            onEdit={(p) => setForm({ profile: p })}
            onDelete={setDeleting}
          />
        )}
        {selected ? (
          <>
            <AssignPanel profile={selected} projects={projects} assignments={assignments} currentProjectId={current?.id ?? null} canManage={canManage} onChanged={profiles.reload} />
            <TryPanel profile={selected} />
          </>
        ) : (
          list.length > 0 && (
            <Text size="sm" c="dimmed">
              Select a profile to see its projects, assign it, and try it on sample text.
            </Text>
          )
        )}
      </Stack>

      <ProfileFormModal
        opened={form !== null}
        profile={form?.profile}
        onClose={() => setForm(null)}
        onSaved={(p) => {
          notifyDone(form?.profile ? `Saved ${p.name}` : `Created ${p.name}`);
          setSelectedId(p.id);
          void profiles.reload();
        }}
      />
      <ConfirmItemByName
        item={deleting}
        onClose={() => setDeleting(null)}
        verb="Delete"
        consequence={(g) =>
          g.projectCount > 0 ? (
            <>
              <b>{g.name}</b> is used by {g.projectCount === 1 ? 'project' : `${g.projectCount} projects:`} {g.projects.map((p) => p.name).join(', ')}. Foundry
              refuses to delete a profile in use: give {g.projectCount === 1 ? 'it' : 'them'} another profile, or none, first.
            </>
          ) : (
            <>
              The profile&apos;s PII settings, deny list and regex rules are lost. No project uses it, so no traffic changes. This cannot be undone.
            </>
          )
        }
        confirmLabel="Delete profile"
        onConfirm={async (g) => {
          await call('guardrails:delete', { profileId: g.id, confirmName: g.name });
          notifyDone(`Deleted ${g.name}`);
          if (selectedId === g.id) setSelectedId(null);
          await profiles.reload();
        }}
      />
    </>
  );
}
