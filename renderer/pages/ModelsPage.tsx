import { Button, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { Endpoint, EndpointTestResult } from '../../main/core/endpoints/types';
import { call } from '../client';
import { ConfirmItemByName } from '../components/ConfirmItemByName';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { notifyDone, notifyError } from '../components/notify';
import { useLoad } from '../components/useLoad';
import { useCan } from '../stores/abilities';
import { useProjects, useSelectedProject } from '../stores/projects';
import { EndpointFormModal } from './models/EndpointFormModal';
import { EndpointsTable } from './models/EndpointsTable';
import { TestResultAlert } from './models/TestResult';

/**
 * The model registry. Its first part is endpoints: cloud APIs and private OpenAI-compatible servers
 * that every synced cluster's gateway serves by name. Models Foundry deploys itself join later.
 */
export function ModelsPage() {
  const canManage = useCan('model:manage');
  const canSeeClusters = useCan('cluster:view');
  const endpoints = useLoad(() => call('endpoints:list', {}), 'endpoints');
  const clusters = useLoad(canSeeClusters ? () => call('clusters:list', {}) : null, String(canSeeClusters));
  const projects = useProjects((s) => s.projects);
  const current = useSelectedProject();
  const [form, setForm] = useState<{ endpoint: Endpoint | null } | null>(null);
  const [removing, setRemoving] = useState<Endpoint | null>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const [tested, setTested] = useState<{ name: string; result: EndpointTestResult } | null>(null);

  const list = endpoints.data ?? [];
  const served = (clusters.data ?? []).filter((c) => c.gateway !== null).length;
  const usable = current ? list.filter((e) => e.projects === null || e.projects.some((p) => p.id === current.id)).length : null;

  const test = async (e: Endpoint) => {
    setTesting(e.id);
    setTested(null);
    try {
      setTested({ name: e.name, result: await call('endpoints:test', { endpointId: e.id }) });
      await endpoints.reload();
    } catch (err) {
      notifyError(`Could not test ${e.name}`, err);
    } finally {
      setTesting(null);
    }
  };

  const addButton = (testId: string) =>
    canManage && (
      <Button leftSection={<IconPlus size={16} />} onClick={() => setForm({ endpoint: null })} data-testid={testId}>
        Add endpoint
      </Button>
    );

  return (
    <>
      <PageHeader
        title="Models"
        description={
          <>
            Endpoints the gateway in every synced cluster serves under their names: cloud APIs and private OpenAI-compatible servers. Keys are sealed in the vault and reach
            clusters only inside the gateway Secret.
            {current && usable !== null && list.length > 0 && (
              <Text span size="sm" ml={4} data-testid="current-project-endpoints">
                <b>{current.name}</b> may use {usable} of {list.length}.
              </Text>
            )}
          </>
        }
        actions={addButton('add-endpoint')}
      />
      <Stack gap="md">
        {endpoints.error && <ErrorAlert error={endpoints.error} />}
        {clusters.data && served === 0 && list.length > 0 && (
          <Text size="sm" c="dimmed" data-testid="no-gateway-note">
            No cluster has a Foundry gateway config yet, so nothing serves these endpoints so far. Sync or install the gateway from the Clusters page.
          </Text>
        )}
        {tested && <TestResultAlert name={tested.name} result={tested.result} onClose={() => setTested(null)} />}
        {endpoints.data && (
          <EndpointsTable
            endpoints={list}
            currentProject={current?.name ?? null}
            canManage={canManage}
            testing={testing}
            emptyAction={addButton('add-endpoint-empty') || <Text size="sm">Ask an admin or devops user to add one.</Text>}
            onTest={(e) => void test(e)}
            onEdit={(e) => setForm({ endpoint: e })}
            onRemove={setRemoving}
          />
        )}
        <Text size="xs" c="dimmed">
          Models Foundry deploys to your clusters will be listed here with their architecture, files and evaluations once deployments exist.
        </Text>
      </Stack>

      <EndpointFormModal
        opened={form !== null}
        endpoint={form?.endpoint}
        endpoints={list}
        projects={projects}
        onClose={() => setForm(null)}
        onSaved={(e) => {
          notifyDone(form?.endpoint ? `Saved ${e.name}` : `Added ${e.name}`, 'Synced gateways pick it up automatically.');
          setTested(null);
          void endpoints.reload();
        }}
      />
      <ConfirmItemByName
        item={removing}
        onClose={() => setRemoving(null)}
        verb="Remove"
        consequence={(e) =>
          e.fallbackFor.length > 0 ? (
            <>
              <b>{e.name}</b> is the fallback of {e.fallbackFor.map((f) => f.name).join(', ')}. Foundry refuses to remove it until they fall back to something else.
            </>
          ) : (
            <>
              Clients calling <b>{e.name}</b> through any gateway get “model not found” after the next sync, and its API key is deleted from the vault. This cannot be undone.
            </>
          )
        }
        confirmLabel="Remove endpoint"
        onConfirm={async (e) => {
          await call('endpoints:remove', { endpointId: e.id, confirmName: e.name });
          notifyDone(`Removed ${e.name}`);
          if (tested?.name === e.name) setTested(null);
          await endpoints.reload();
        }}
      />
    </>
  );
}
