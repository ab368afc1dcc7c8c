import { Badge, Center, Loader, Stack, Tabs } from '@mantine/core';
import { IconGauge } from '@tabler/icons-react';
import { useCallback, useMemo, useState } from 'react';
import type { OptimizerRunSummary } from '../../main/core/optimizer/service';
import { call } from '../client';
import { ErrorAlert } from '../components/ErrorAlert';
import { NotAvailableToRole } from '../components/NotAvailableToRole';
import { PageHeader } from '../components/PageHeader';
import { notifyDone, notifyError } from '../components/notify';
import { useLoad } from '../components/useLoad';
import { useCan } from '../stores/abilities';
import { InputsPanel } from './optimizer/InputsPanel';
import { ResultView } from './optimizer/ResultView';
import { SavedRuns } from './optimizer/SavedRuns';
import { planSummary } from './optimizer/format';
import { useOptimizer, type OptimizerTab } from './optimizer/state';

export function OptimizerPage() {
  const canView = useCan('model:view');
  const catalog = useLoad(canView ? () => call('optimizer:catalog', {}) : null, String(canView));
  const runs = useLoad(canView ? () => call('optimizer:runs', { limit: 200 }) : null, String(canView));
  const { run, tab, setTab, showRun } = useOptimizer();
  const [opening, setOpening] = useState<string | null>(null);
  const gpus = useMemo(() => new Map((catalog.data?.gpus ?? []).map((g) => [g.id, g.name])), [catalog.data]);
  const gpuName = useCallback((id: string) => gpus.get(id) ?? id, [gpus]);

  const open = async (summary: OptimizerRunSummary) => {
    setOpening(summary.id);
    try {
      showRun(await call('optimizer:get', { runId: summary.id }), { fillForm: true });
    } catch (err) {
      notifyError(`Could not open ${summary.name}`, err);
    } finally {
      setOpening(null);
    }
  };

  const ran = (r: OptimizerRunSummary) => {
    notifyDone(`Optimized ${r.name}`, r.recommended ? `Recommended: ${planSummary(r.recommended)}` : 'No plan meets the SLOs.');
    void runs.reload();
  };

  const header = <PageHeader title="Optimizer" description="Predicts every layout of a model on your GPUs, and recommends the cheapest plan that meets your SLOs." />;
  if (!canView) {
    return (
      <>
        {header}
        <NotAvailableToRole description="Viewing the optimizer needs the model:view permission; an admin can change your role." />
      </>
    );
  }

  return (
    <>
      {header}
      <Tabs value={tab} onChange={(v) => setTab((v ?? 'optimize') as OptimizerTab)} keepMounted={false}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="optimize" leftSection={<IconGauge size={14} />} data-testid="tab-optimize">
            Optimize
          </Tabs.Tab>
          <Tabs.Tab value="saved" data-testid="tab-saved-runs" rightSection={runs.data ? <Badge size="xs" color="gray" circle={runs.data.length < 10}>{runs.data.length}</Badge> : undefined}>
            Saved runs
          </Tabs.Tab>
        </Tabs.List>

        <Tabs.Panel value="optimize">
          {catalog.error && <ErrorAlert error={catalog.error} title="Could not load the optimizer's catalog" />}
          {catalog.loading && !catalog.data && (
            <Center mih={200}>
              <Loader size="sm" />
            </Center>
          )}
          {catalog.data && (
            <Stack gap="md">
              <InputsPanel catalog={catalog.data} onRan={ran} />
              {run && <ResultView run={run} gpuName={gpuName} onRan={ran} />}
            </Stack>
          )}
        </Tabs.Panel>

        <Tabs.Panel value="saved">
          {runs.error && <ErrorAlert error={runs.error} title="Could not load saved runs" />}
          {runs.data && <SavedRuns runs={runs.data} opening={opening} currentId={run?.id} onOpen={(r) => void open(r)} />}
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
