import { Button, Stack } from '@mantine/core';
import { IconFileImport, IconRefresh, IconServer2, IconUpload } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import type { ClusterSummary } from '../../main/core/clusters/types';
import { call, ClientError } from '../client';
import { ConfirmByName } from '../components/ConfirmByName';
import { ConfirmItemByName } from '../components/ConfirmItemByName';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageEmptyState } from '../components/PageEmptyState';
import { PageHeader } from '../components/PageHeader';
import { notifyDone, notifyError } from '../components/notify';
import { useLoad } from '../components/useLoad';
import { useCan } from '../stores/abilities';
import { useJobs } from '../stores/jobs';
import { ClusterDetail } from './clusters/ClusterDetail';
import { ownedElsewhere } from './clusters/format';
import { ClustersTable } from './clusters/ClustersTable';
import { ImportModal } from './clusters/ImportModal';
import { LimitsStoreModal } from './clusters/LimitsStoreModal';

const SYNC_JOB = 'gateway.sync';

export function ClustersPage() {
  const canManage = useCan('cluster:manage');
  const clusters = useLoad(() => call('clusters:list', {}), 'clusters');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const detail = useLoad(selectedId ? () => call('clusters:get', { clusterId: selectedId }) : null, selectedId ?? '');
  const [importing, setImporting] = useState(false);
  const [removing, setRemoving] = useState<ClusterSummary | null>(null);
  const [takingOver, setTakingOver] = useState<ClusterSummary | null>(null);
  const [editingLimits, setEditingLimits] = useState<ClusterSummary | null>(null);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [checkingAll, setCheckingAll] = useState(false);
  const track = useJobs((s) => s.track);
  const openDrawer = useJobs((s) => s.openDrawer);

  // A sync or install job that ends (started here, elsewhere, or by auto-sync) changes what the table shows.
  const syncJobs = useJobs((s) => s.jobs.filter((j) => j.type === SYNC_JOB).map((j) => `${j.id}:${j.status}`).join(','));
  useEffect(() => {
    if (!syncJobs) return;
    void clusters.reload();
    void detail.reload();
  }, [syncJobs, clusters.reload, detail.reload]);

  const list = clusters.data ?? [];
  const selected = useMemo(() => list.find((c) => c.id === selectedId) ?? null, [list, selectedId]);

  const withBusy = async (id: string, fn: () => Promise<void>) => {
    setBusy((b) => new Set(b).add(id));
    try {
      await fn();
    } finally {
      setBusy((b) => {
        const next = new Set(b);
        next.delete(id);
        return next;
      });
    }
  };

  const refresh = async () => {
    await clusters.reload();
    await detail.reload();
  };

  const check = (c: ClusterSummary) =>
    withBusy(c.id, async () => {
      try {
        const [after] = await call('clusters:check', { clusterId: c.id });
        if (after?.checkError) notifyError(`${c.name} could not be checked`, new ClientError(after.checkError));
        else notifyDone(`Checked ${c.name}`);
      } catch (err) {
        notifyError(`Checking ${c.name} failed`, err);
      }
      await refresh();
    });

  const checkAll = async () => {
    setCheckingAll(true);
    try {
      const after = await call('clusters:check', {});
      const failed = after.filter((c) => c.checkError);
      if (failed.length) notifyError(`${failed.length} of ${after.length} clusters could not be checked`, new ClientError(failed[0]!.checkError!));
      else notifyDone(`Checked ${after.length} cluster${after.length === 1 ? '' : 's'}`);
    } catch (err) {
      notifyError('Checking the clusters failed', err);
    } finally {
      setCheckingAll(false);
      await refresh();
    }
  };

  const sync = async (ids: string[] | undefined, install: boolean, takeOver = false) => {
    try {
      const job = await call('clusters:syncGateway', { clusterIds: ids, install, takeOver });
      track(job);
      openDrawer(job.id);
    } catch (err) {
      notifyError(install ? 'Could not start the install' : 'Could not start the sync', err);
    }
  };

  const importAction = (testId: string) =>
    canManage && (
      <Button leftSection={<IconFileImport size={16} />} onClick={() => setImporting(true)} data-testid={testId}>
        Import kubeconfig
      </Button>
    );

  const empty = clusters.data && list.length === 0;

  return (
    <>
      <PageHeader
        title="Clusters"
        description="Nodes, GPUs and the gateway config Foundry keeps in each cluster."
        actions={
          !empty && (
            <>
              <Button variant="default" leftSection={<IconRefresh size={16} />} loading={checkingAll} onClick={() => void checkAll()} data-testid="clusters-check-all">
                Check all
              </Button>
              {canManage && (
                <Button variant="default" leftSection={<IconUpload size={16} />} onClick={() => void sync(undefined, false)} data-testid="clusters-sync-all">
                  Sync gateway
                </Button>
              )}
              {importAction('clusters-import')}
            </>
          )
        }
      />
      {clusters.error && <ErrorAlert error={clusters.error} />}
      {empty && (
        <PageEmptyState
          testId="empty-clusters"
          icon={<IconServer2 size={32} stroke={1.5} />}
          title="No clusters"
          description="Import a context from a kubeconfig to see its nodes and GPUs and to push Foundry's gateway config to it. EKS, AKS and on-prem hosts over SSH will come next."
          actions={importAction('clusters-import-empty')}
        />
      )}
      {!empty && clusters.data && (
        <Stack gap="md">
          <ClustersTable
            clusters={list}
            selectedId={selectedId}
            canManage={canManage}
            busyIds={busy}
            emptyAction={importAction('clusters-import-table')}
            onSelect={(c) => setSelectedId((id) => (id === c.id ? null : c.id))}
            onCheck={(c) => void check(c)}
            onSync={(c, install) => void sync([c.id], install)}
            onRemove={setRemoving}
          />
          {selected && detail.data?.id === selected.id && (
            <ClusterDetail cluster={detail.data} onTakeOver={canManage ? () => setTakingOver(selected) : undefined} onEditLimitsStore={canManage ? () => setEditingLimits(selected) : undefined} />
          )}
          {detail.error && <ErrorAlert error={detail.error} />}
        </Stack>
      )}

      <ImportModal
        opened={importing}
        onClose={() => setImporting(false)}
        onImported={(r) => {
          if (r.imported.length) notifyDone(`Imported ${r.imported.map((c) => c.name).join(', ')}`);
          if (r.imported.length === 1) setSelectedId(r.imported[0]!.id);
          void clusters.reload();
        }}
      />
      <LimitsStoreModal
        cluster={editingLimits}
        onClose={() => setEditingLimits(null)}
        onSaved={(r) => {
          const what = r.change.change === 'cleared' ? 'Cleared the limits store of' : r.change.change === 'replaced' ? 'Replaced the Redis URL of' : 'Set a Redis limits store for';
          notifyDone(`${what} ${r.cluster.name}`);
          void refresh();
        }}
      />
      {/* Mounted only while asked: a closed modal leaves its empty root in the page beside the remove dialog's. */}
      {takingOver && (
        <ConfirmByName
          opened
          onClose={() => setTakingOver(null)}
          title={`Take over the gateway of ${takingOver.name}`}
          name={takingOver.name}
          consequence={
            <>
              Another Foundry desktop{ownedElsewhere(takingOver.gateway)?.ownerHost ? ` (${ownedElsewhere(takingOver.gateway)!.ownerHost})` : ''} keeps this
              cluster&apos;s gateway. Taking it over replaces its API keys and admin token with this desktop&apos;s: its clients&apos; keys stop working in{' '}
              <b>{takingOver.name}</b> and it can no longer sync there unless it takes the gateway back.
            </>
          }
          confirmLabel="Take over"
          onConfirm={async () => {
            await sync([takingOver.id], false, true);
          }}
        />
      )}
      <ConfirmItemByName
        item={removing}
        onClose={() => setRemoving(null)}
        verb="Remove"
        consequence={(c) => (
          <>
            Foundry forgets <b>{c.name}</b>: its kubeconfig and gateway admin token are deleted from the vault, and its keys stop being synced to it. Nothing in the
            cluster is deleted: the gateway keeps serving its last config.
          </>
        )}
        confirmLabel="Remove cluster"
        onConfirm={async (c) => {
          await call('clusters:remove', { clusterId: c.id, confirmName: c.name });
          notifyDone(`Removed ${c.name}`);
          if (selectedId === c.id) setSelectedId(null);
          await clusters.reload();
        }}
      />
    </>
  );
}
