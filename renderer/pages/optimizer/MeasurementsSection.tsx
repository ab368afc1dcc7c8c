import { Button, FileButton, Grid, Group, Menu, NumberInput, Paper, Select, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { IconFileImport, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import type { OptimizerRun } from '../../../main/core/optimizer/service';
import { call, toClientError, type ClientError } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RowActionsMenu } from '../../components/RowActionsMenu';
import { Time } from '../../components/Time';
import { useCan } from '../../stores/abilities';
import { toNum } from './form';
import { formatMs, formatTokensPerSec, planKey } from './format';
import { CalibratedRerun } from './CalibratedRerun';
import { MeasureEndpoint } from './MeasureEndpoint';
import { readResultFiles } from './result-files';
import { defaultMeasureForm, errorTone, formatError, planOptionLabel, summarize, toMeasureInput, validateMeasure, type MeasureForm, type OptimizerMeasurement } from './measure';
import { useOptimizer } from './state';

const TONE = { ok: undefined, far: 'red', none: 'dimmed' } as const;

function ErrorCell({ pct, p90, testId }: { pct: number | null; p90: number | undefined; testId: string }) {
  const tone = errorTone(pct, p90);
  return (
    <Text size="xs" c={TONE[tone]} fw={tone === 'far' ? 600 : undefined} data-testid={testId} title={tone === 'far' ? `Beyond the optimizer's p90 error on held-out models (±${p90}%)` : undefined}>
      {formatError(pct)}
    </Text>
  );
}

/** A measured value over its prediction, in one cell. */
function Pair({ measured, predicted }: { measured: string; predicted: string }) {
  return (
    <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
      <Text size="xs">{measured}</Text>
      <Text size="xs" c="dimmed" title="predicted">
        {predicted}
      </Text>
    </Table.Td>
  );
}

/** Measured vs predicted: what deployments of this run's plans measured, each set against the plan's prediction at that load. */
export function MeasurementsSection({ run, onRan }: { run: OptimizerRun; onRan(run: OptimizerRun): void }) {
  const canRecord = useCan('optimizer:run');
  const measured = useOptimizer((s) => s.measured);
  const unmeasured = useOptimizer((s) => s.unmeasured);
  const [form, setForm] = useState<MeasureForm>(() => defaultMeasureForm(run));
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  const errors = attempted ? validateMeasure(form, run) : {};
  const patch = (p: Partial<MeasureForm>) => setForm((f) => ({ ...f, ...p }));
  const options = useMemo(() => {
    const seen = new Set<string>();
    return run.result.plans.flatMap((p) => {
      const key = planKey(p);
      if (seen.has(key)) return [];
      seen.add(key);
      return [{ value: key, label: planOptionLabel(p) + (run.result.recommended && planKey(run.result.recommended) === key ? ' (recommended)' : '') }];
    });
  }, [run]);
  const chosen = run.result.plans.findIndex((p) => planKey(p) === form.plan);
  const planIndex = chosen < 0 ? null : chosen;
  const accuracy = (run.result as Partial<typeof run.result>).accuracy?.heldOutModel;
  const list = run.measurements ?? [];
  const summary = summarize(list);

  const record = async () => {
    setAttempted(true);
    if (Object.keys(validateMeasure(form, run)).length > 0) return;
    setBusy(true);
    try {
      measured(await call('optimizer:measure', toMeasureInput(form, run)));
      setError(null);
      setAttempted(false);
      patch({ ttftMs: '', tpotMs: '', tokensPerSec: '', note: '' });
    } catch (err) {
      setError(toClientError(err));
    } finally {
      setBusy(false);
    }
  };

  // Benchmark result files record against the plan chosen in the form; the core checks every file before it records any.
  const importFiles = async (files: File[]) => {
    if (files.length === 0) return;
    const planIndex = run.result.plans.findIndex((p) => planKey(p) === form.plan);
    if (planIndex < 0) {
      setAttempted(true);
      return;
    }
    setBusy(true);
    try {
      const list = await call('optimizer:measure-import', { runId: run.id, planIndex, files: await readResultFiles(files) });
      for (const m of list) measured(m);
      setError(null);
    } catch (err) {
      setError(toClientError(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (m: OptimizerMeasurement) => {
    try {
      unmeasured(await call('optimizer:measurement-delete', { measurementId: m.id }));
    } catch (err) {
      setError(toClientError(err));
    }
  };

  return (
    <Paper withBorder p="md" data-testid="optimizer-measurements">
      <Stack gap="sm">
        <div>
          <Title order={5}>Measured vs predicted</Title>
          <Text size="xs" c="dimmed">
            What one replica of a deployed plan measured under a closed-loop benchmark. The optimizer predicts that plan again at the measured load and shows how far off it was: each cell holds the measurement over the prediction (grey), and + means the optimizer predicted more than was measured.
          </Text>
        </div>

        {summary && (
          <Group justify="space-between" wrap="nowrap" gap="sm">
            <Text size="xs" style={{ flex: 1, minWidth: 0 }} data-testid="measurements-summary">
              {summary.count === 1 ? 'One measurement, off by' : `${summary.count} measurements, median error`}: TTFT {Math.round(summary.ttft)}% · TPOT {Math.round(summary.tpot)}%
              {summary.throughput === null ? '' : ` · tokens/s ${Math.round(summary.throughput)}%`}
              {accuracy ? ` (on models it was not fitted on: TTFT ${Math.round(accuracy.ttft.medianApe)}%, TPOT ${Math.round(accuracy.tpot.medianApe)}%, tokens/s ${Math.round(accuracy.throughput.medianApe)}%)` : ''}
            </Text>
            {canRecord && <CalibratedRerun run={run} onRan={onRan} />}
          </Group>
        )}
        {list.length > 0 && (
          <Table striped highlightOnHover verticalSpacing={4} fz="xs" data-testid="measurements-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Plan</Table.Th>
                <Table.Th>Load</Table.Th>
                <Table.Th ta="right">TTFT</Table.Th>
                <Table.Th ta="right">Error</Table.Th>
                <Table.Th ta="right">TPOT</Table.Th>
                <Table.Th ta="right">Error</Table.Th>
                <Table.Th ta="right">Tokens/s</Table.Th>
                <Table.Th ta="right">Error</Table.Th>
                <Table.Th>Note</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((m) => (
                <Table.Tr key={m.id} data-testid="measurement-row">
                  <Table.Td>
                    <Text size="xs" ff="monospace" title={m.plan} style={{ whiteSpace: 'nowrap' }}>
                      {m.plan.split(' · ').slice(0, 2).join(' · ')}
                    </Text>
                    <Text size="xs" ff="monospace" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                      {m.plan.split(' · ').slice(2).join(' · ')}
                    </Text>
                    {m.warnings.length > 0 && (
                      <Text size="xs" c="orange" data-testid="measurement-warning">
                        {m.warnings.join('; ')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="xs">{m.measured.concurrency} clients</Text>
                    <Text size="xs" c="dimmed">
                      {m.measured.isl.toLocaleString('en-US')} in / {m.measured.osl.toLocaleString('en-US')} out
                    </Text>
                  </Table.Td>
                  <Pair measured={formatMs(m.measured.ttftMs)} predicted={formatMs(m.predicted.ttftMs)} />
                  <Table.Td ta="right">
                    <ErrorCell pct={m.errorPct.ttft} p90={accuracy?.ttft.p90Ape} testId="measurement-ttft-error" />
                  </Table.Td>
                  <Pair measured={formatMs(m.measured.tpotMs)} predicted={formatMs(m.predicted.tpotMs)} />
                  <Table.Td ta="right">
                    <ErrorCell pct={m.errorPct.tpot} p90={accuracy?.tpot.p90Ape} testId="measurement-tpot-error" />
                  </Table.Td>
                  <Pair measured={m.measured.outputTokensPerSec === null ? '–' : formatTokensPerSec(m.measured.outputTokensPerSec)} predicted={formatTokensPerSec(m.predicted.outputTokensPerSec)} />
                  <Table.Td ta="right">
                    <ErrorCell pct={m.errorPct.throughput} p90={accuracy?.throughput.p90Ape} testId="measurement-throughput-error" />
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" lineClamp={2} title={m.note ?? undefined} style={{ overflowWrap: 'anywhere' }}>
                      {m.note ?? ''}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {m.createdBy} · <Time iso={m.createdAt} size="xs" />
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {canRecord && (
                      <RowActionsMenu name={`measurement of ${m.plan}`} testId="measurement-actions">
                        <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => void remove(m)} data-testid="measurement-remove">
                          Remove measurement
                        </Menu.Item>
                      </RowActionsMenu>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}

        {canRecord && (
          <Grid gap="xs" align="flex-start">
            <Grid.Col span={4}>
              <Select size="xs" label="Deployed plan" data={options} value={form.plan} onChange={(v) => patch({ plan: v, concurrency: run.result.plans.find((p) => planKey(p) === v)?.maxConcurrency ?? form.concurrency })} searchable limit={200} nothingFoundMessage="No plan matches" error={errors.plan} data-testid="measure-plan" />
            </Grid.Col>
            <Grid.Col span={1}>
              <NumberInput size="xs" label="Clients" name="measureConcurrency" min={1} allowDecimal={false} hideControls value={form.concurrency} onChange={(v) => patch({ concurrency: toNum(v) })} error={errors.concurrency} />
            </Grid.Col>
            <Grid.Col span={1}>
              <NumberInput size="xs" label="ISL" name="measureIsl" min={1} allowDecimal={false} hideControls value={form.isl} onChange={(v) => patch({ isl: toNum(v) })} error={errors.isl} />
            </Grid.Col>
            <Grid.Col span={1}>
              <NumberInput size="xs" label="OSL" name="measureOsl" min={1} allowDecimal={false} hideControls value={form.osl} onChange={(v) => patch({ osl: toNum(v) })} error={errors.osl} />
            </Grid.Col>
            <Grid.Col span={1}>
              <NumberInput size="xs" label="TTFT" name="measureTtft" suffix=" ms" min={0} hideControls value={form.ttftMs} onChange={(v) => patch({ ttftMs: toNum(v) })} error={errors.ttftMs} />
            </Grid.Col>
            <Grid.Col span={1}>
              <NumberInput size="xs" label="TPOT" name="measureTpot" suffix=" ms" min={0} hideControls value={form.tpotMs} onChange={(v) => patch({ tpotMs: toNum(v) })} error={errors.tpotMs} />
            </Grid.Col>
            <Grid.Col span={1}>
              <NumberInput size="xs" label="Tokens/s" name="measureTokensPerSec" placeholder="optional" min={0} hideControls value={form.tokensPerSec} onChange={(v) => patch({ tokensPerSec: toNum(v) })} error={errors.tokensPerSec} />
            </Grid.Col>
            <Grid.Col span={2}>
              <TextInput size="xs" label="Note" name="measureNote" placeholder="tool, duration…" value={form.note} onChange={(e) => patch({ note: e.currentTarget.value })} error={errors.note} />
            </Grid.Col>
            <Grid.Col span={12}>
              <Group gap="xs">
                <Tooltip label="Set against this plan's prediction at the measured load">
                  <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} loading={busy} onClick={() => void record()} data-testid="measure-record">
                    Record measurement
                  </Button>
                </Tooltip>
                <FileButton onChange={(files) => void importFiles(files)} accept=".json,.jsonl,application/json" multiple inputProps={{ 'data-testid': 'measure-import-input' } as object}>
                  {(props) => (
                    <Button {...props} size="xs" variant="subtle" leftSection={<IconFileImport size={14} />} disabled={busy} data-testid="measure-import">
                      Import benchmark results…
                    </Button>
                  )}
                </FileButton>
                <Text size="xs" c="dimmed">
                  vllm bench serve --save-result or SGLang bench_serving --output-file, run with --max-concurrency against one replica
                </Text>
              </Group>
            </Grid.Col>
            <Grid.Col span={12}>
              <MeasureEndpoint run={run} planIndex={planIndex} isl={form.isl} osl={form.osl} concurrency={form.concurrency} onMeasured={measured} />
            </Grid.Col>
          </Grid>
        )}
        {!canRecord && list.length === 0 && (
          <Text size="xs" c="dimmed">
            No measurements yet. Recording them needs optimizer:run.
          </Text>
        )}
        {error && <ErrorAlert error={error} title="The measurement could not be saved" onClose={() => setError(null)} />}
      </Stack>
    </Paper>
  );
}
