import { Button, Stack, Tabs } from '@mantine/core';
import { IconFolderPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { Project } from '../../main/core/access/projects';
import { call } from '../client';
import { ConfirmItemByName } from '../components/ConfirmItemByName';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { notifyDone } from '../components/notify';
import { useLoad } from '../components/useLoad';
import { useCan } from '../stores/abilities';
import { useProjects, useSelectedProject } from '../stores/projects';
import { GatewayConfigModal } from './projects/GatewayConfigModal';
import { LimitsPanel } from './projects/LimitsPanel';
import { MembersPanel } from './projects/MembersPanel';
import { ProjectFormModal } from './projects/ProjectFormModal';
import { ProjectsTable } from './projects/ProjectsTable';
import { UsersSection } from './users/UsersSection';

export function ProjectsPage() {
  const { projects, selectedId, error, load, select } = useProjects();
  const selected = useSelectedProject();
  const canManage = useCan('project:manage');
  const canViewUsers = useCan('user:view');
  const canViewConfig = useCan('apikey:view');
  const [viewingConfig, setViewingConfig] = useState(false);
  const canManageUsers = useCan('user:manage');
  const users = useLoad(canViewUsers ? () => call('users:list', {}) : null, String(canViewUsers));

  const [form, setForm] = useState<{ project: Project | null } | null>(null);
  const [deleting, setDeleting] = useState<Project | null>(null);

  return (
    <>
      <PageHeader
        title="Projects & Users"
        description="Projects group API keys, deployments and members. The selected project filters every page."
        actions={
          canManage && (
            <Button leftSection={<IconFolderPlus size={16} />} onClick={() => setForm({ project: null })} data-testid="create-project">
              New project
            </Button>
          )
        }
      />
      <Tabs defaultValue="projects" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="projects">Projects</Tabs.Tab>
          {canViewUsers && (
            <Tabs.Tab value="users" data-testid="tab-users">
              Users
            </Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="projects">
          <Stack gap="md">
            {error && <ErrorAlert error={error} />}
            <ProjectsTable
              projects={projects}
              selectedId={selectedId}
              canManage={canManage}
              onSelect={(p) => select(p.id)}
              onCreate={() => setForm({ project: null })}
              onEdit={(p) => setForm({ project: p })}
              onDelete={setDeleting}
            />
            {selected && (
              <LimitsPanel
                project={selected}
                canManage={canManage}
                onViewConfig={canViewConfig ? () => setViewingConfig(true) : undefined}
                onSaved={() => void load()}
              />
            )}
            {selected && <MembersPanel project={selected} users={users.data} canManage={canManage} onChanged={() => void load()} />}
          </Stack>
        </Tabs.Panel>
        {canViewUsers && (
          <Tabs.Panel value="users">
            <UsersSection users={users} canManage={canManageUsers} />
          </Tabs.Panel>
        )}
      </Tabs>

      <ProjectFormModal
        opened={form !== null}
        project={form?.project}
        onClose={() => setForm(null)}
        onSaved={(p) => {
          notifyDone(form?.project ? `Saved ${p.name}` : `Created ${p.name}`);
          void load().then(() => select(p.id));
        }}
      />
      <GatewayConfigModal opened={viewingConfig} onClose={() => setViewingConfig(false)} />
      <ConfirmItemByName
        item={deleting}
        onClose={() => setDeleting(null)}
        verb="Delete"
        consequence={(p) => (
          <>
            This deletes the project and revokes its {p.apiKeyCount} active API key{p.apiKeyCount === 1 ? '' : 's'} — anything using them loses access. Members
            lose access to the project. The audit trail keeps its history.
          </>
        )}
        confirmLabel="Delete project"
        onConfirm={async (p) => {
          await call('projects:delete', { projectId: p.id, confirmName: p.name });
          notifyDone(`Deleted ${p.name}`);
          await load();
        }}
      />
    </>
  );
}
