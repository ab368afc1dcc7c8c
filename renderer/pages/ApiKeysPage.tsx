import { Button, Center, EmptyState, Group, SegmentedControl, TextInput } from '@mantine/core';
import { IconFolderQuestion, IconPlus, IconSearch } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import type { ApiKey } from '../../main/core/access/api-keys';
import { call } from '../client';
import { ConfirmItemByName } from '../components/ConfirmItemByName';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { notifyDone } from '../components/notify';
import { useLoad } from '../components/useLoad';
import { useCan } from '../stores/abilities';
import { useProjects, useSelectedProject } from '../stores/projects';
import { useRouter } from '../stores/router';
import { CreateKeyModal } from './apikeys/CreateKeyModal';
import { EditKeyLimitsModal } from './apikeys/EditKeyLimitsModal';
import { KeysTable } from './apikeys/KeysTable';
import { SecretOnceModal } from './apikeys/SecretOnceModal';

type StatusFilter = 'all' | ApiKey['status'];

export function ApiKeysPage() {
  const project = useSelectedProject();
  const reloadProjects = useProjects((s) => s.load);
  const navigate = useRouter((s) => s.navigate);
  const canManage = useCan('apikey:manage');
  const keys = useLoad(project ? () => call('apikeys:list', { projectId: project.id }) : null, project?.id ?? '');
  const canViewUsers = useCan('user:view');
  const users = useLoad(canViewUsers ? () => call('users:list', {}) : null, String(canViewUsers));
  const usernames = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u.username])), [users.data]);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ key: ApiKey; secret: string } | null>(null);
  const [showSecret, setShowSecret] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [limiting, setLimiting] = useState<ApiKey | null>(null);
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<StatusFilter>('all');

  const visible = useMemo(
    () => (keys.data ?? []).filter((k) => (status === 'all' || k.status === status) && k.name.toLowerCase().includes(query.trim().toLowerCase())),
    [keys.data, status, query],
  );

  if (!project) {
    return (
      <>
        <PageHeader title="API Keys" />
        <Center mih={400}>
          <EmptyState
            icon={<IconFolderQuestion size={32} />}
            variant="light"
            title="Choose a project first"
            description="API keys belong to a project. Pick one at the top, or create your first project."
          >
            <EmptyState.Actions>
              <Button onClick={() => navigate('projects')}>Go to Projects</Button>
            </EmptyState.Actions>
          </EmptyState>
        </Center>
      </>
    );
  }

  const newKey = (testId: string) =>
    canManage && (
      <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid={testId}>
        New API key
      </Button>
    );

  return (
    <>
      <PageHeader title="API Keys" description={`Gateway keys for ${project.name}. Secrets are shown once, when a key is created.`} actions={newKey('create-key')} />
      <Group mb="sm" gap="sm">
        <TextInput placeholder="Filter by name" leftSection={<IconSearch size={16} />} value={query} onChange={(e) => setQuery(e.currentTarget.value)} w={260} />
        <SegmentedControl
          value={status}
          onChange={(v) => setStatus(v as StatusFilter)}
          data={[
            { value: 'all', label: 'All' },
            { value: 'active', label: 'Active' },
            { value: 'expired', label: 'Expired' },
            { value: 'revoked', label: 'Revoked' },
          ]}
        />
      </Group>
      {keys.error && <ErrorAlert error={keys.error} />}
      {keys.data && <KeysTable keys={visible} canManage={canManage} usernames={usernames} emptyAction={keys.data.length === 0 ? newKey('create-key-empty') : null} onRevoke={setRevoking} onEditLimits={setLimiting} />}

      <CreateKeyModal
        project={project}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          setCreated(c);
          setShowSecret(true);
          void keys.reload();
          void reloadProjects();
        }}
      />
      <SecretOnceModal
        opened={showSecret}
        secret={created?.secret ?? ''}
        keyName={created?.key.name ?? ''}
        onClose={() => setShowSecret(false)}
        // Forget the secret once the modal has finished closing, not before, so it does not blank mid-fade.
        onClosed={() => setCreated(null)}
      />
      <EditKeyLimitsModal
        apiKey={limiting}
        onClose={() => setLimiting(null)}
        onSaved={(k) => {
          notifyDone(`Saved limits of ${k.name}`, 'Synced gateways pick the change up automatically.');
          void keys.reload();
        }}
      />
      <ConfirmItemByName
        item={revoking}
        onClose={() => setRevoking(null)}
        verb="Revoke"
        consequence={(k) => (
          <>
            Anything using <b>{k.prefix}…</b> loses access to {project.name}’s models. A revoked key cannot be restored; you would create a new one.
          </>
        )}
        confirmLabel="Revoke key"
        onConfirm={async (k) => {
          await call('apikeys:revoke', { keyId: k.id });
          notifyDone(`Revoked ${k.name}`);
          await keys.reload();
          void reloadProjects();
        }}
      />
    </>
  );
}
