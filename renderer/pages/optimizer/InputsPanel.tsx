import { Button, Checkbox, Grid, Group, Input, NumberInput, Paper, SegmentedControl, Select, Stack, Text, TextInput, Tooltip, type ComboboxItem, type OptionsFilter } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import type { OptimizerCatalog, OptimizerRun } from '../../../main/core/optimizer/service';
import { call, toClientError, type ClientError } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useCan } from '../../stores/abilities';
import { CalibrateCheckbox } from './CalibrateCheckbox';
import { ClusterPoolsTable } from './ClusterPoolsTable';
import { toNum, toRequest, validate, type Backend, type FormErrors } from './form';
import { BACKENDS, formatContext, paramsLine } from './format';
import { useOptimizer } from './state';

const BACKEND_CHOICES = BACKENDS.map(({ value, label }) => ({ value, label }));
// "Required" errors wait for the first Run; a wrong value shows at once.
const REQUIRED = /^(Choose|Enter|Name|Add)/;

function visibleErrors(errors: FormErrors, attempted: boolean): FormErrors {
  return attempted ? errors : Object.fromEntries(Object.entries(errors).filter(([, m]) => !REQUIRED.test(m)));
}

export function InputsPanel({ catalog, onRan }: { catalog: OptimizerCatalog; onRan(run: OptimizerRun): void }) {
  const form = useOptimizer((s) => s.form);
  const setForm = useOptimizer((s) => s.setForm);
  const showRun = useOptimizer((s) => s.showRun);
  const canRun = useCan('optimizer:run');
  const [attempted, setAttempted] = useState(false);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  const allErrors = useMemo(() => validate(form, catalog), [form, catalog]);
  const errors = visibleErrors(allErrors, attempted);
  const models = useMemo(() => new Map(catalog.models.map((m) => [m.id, m])), [catalog]);
  const model = form.model ? models.get(form.model) : undefined;

  const run = async () => {
    setAttempted(true);
    if (Object.keys(allErrors).length > 0) return;
    setRunning(true);
    try {
      const result = await call('optimizer:run', toRequest(form));
      setError(null);
      showRun(result);
      onRan(result);
    } catch (err) {
      setError(toClientError(err));
    } finally {
      setRunning(false);
    }
  };

  // Search by id and by the aliases people type ("llama 70b", "r1").
  const filterModels: OptionsFilter = ({ options, search }) => {
    const words = search.toLowerCase().split(/[\s/_-]+/).filter(Boolean);
    return (options as ComboboxItem[]).filter((o) => {
      const hay = [o.value, ...(models.get(o.value)?.aliases ?? [])].join(' ').toLowerCase();
      return words.every((w) => hay.includes(w));
    });
  };

  return (
    <Paper withBorder p="md" data-testid="optimizer-inputs">
      <Stack gap="sm">
        <Grid gap="sm" align="flex-start">
          {/* The engine column is tall; the other inputs fill the space beside it in three rows. */}
          <Grid.Col span={9}>
            <Grid gap="sm" align="flex-start">
              <Grid.Col span={6}>
                <Select
                  label="Model"
                  placeholder="Search models"
                  data-testid="optimizer-model"
                  data={catalog.models.map((m) => ({ value: m.id, label: m.id }))}
                  value={form.model}
                  onChange={(v) => setForm({ model: v })}
                  searchable
                  filter={filterModels}
                  nothingFoundMessage="Not in the optimizer's model table"
                  description={model ? `${paramsLine(model)} · ${formatContext(model.maxContext)}` : 'Models from optimizer/data/models.json'}
                  error={errors.model}
                  renderOption={({ option }) => {
                    const m = models.get(option.value);
                    return (
                      <div>
                        <Text size="sm">{option.label}</Text>
                        {m && (
                          <Text size="xs" c="dimmed">
                            {paramsLine(m)} · {formatContext(m.maxContext)}
                          </Text>
                        )}
                      </div>
                    );
                  }}
                />
              </Grid.Col>
              <Grid.Col span={3}>
                <NumberInput label="Input tokens" description="ISL per request" name="isl" min={1} allowDecimal={false} thousandSeparator="," value={form.isl} onChange={(v) => setForm({ isl: toNum(v) })} error={errors.isl} />
              </Grid.Col>
              <Grid.Col span={3}>
                <NumberInput label="Output tokens" description="OSL per request" name="osl" min={1} allowDecimal={false} thousandSeparator="," value={form.osl} onChange={(v) => setForm({ osl: toNum(v) })} error={errors.osl} />
              </Grid.Col>
              <Grid.Col span={4}>
                <Group gap={6} align="flex-start" wrap="nowrap">
                  <NumberInput
                    label="TTFT SLO"
                    description="Time to first token"
                    name="ttftMs"
                    placeholder="none"
                    suffix=" ms"
                    min={1}
                    hideControls
                    value={form.ttftMs}
                    onChange={(v) => setForm({ ttftMs: toNum(v) })}
                    error={errors.ttftMs}
                    style={{ flex: 1 }}
                  />
                  <SegmentedControl
                    mt={42}
                    size="xs"
                    aria-label="TTFT percentile"
                    data={[
                      { value: 'mean', label: 'mean' },
                      { value: 'p90', label: 'p90' },
                    ]}
                    value={form.ttftPercentile}
                    onChange={(v) => setForm({ ttftPercentile: v as 'mean' | 'p90' })}
                  />
                </Group>
              </Grid.Col>
              <Grid.Col span={4}>
                <NumberInput label="TPOT SLO" description="Per output token" name="tpotMs" placeholder="none" suffix=" ms" min={0} hideControls value={form.tpotMs} onChange={(v) => setForm({ tpotMs: toNum(v) })} error={errors.tpotMs} />
              </Grid.Col>
              <Grid.Col span={4}>
                <NumberInput label="Target rate" description="Sets replicas" name="targetRps" placeholder="none" suffix=" req/s" min={0} hideControls value={form.targetRps} onChange={(v) => setForm({ targetRps: toNum(v) })} error={errors.targetRps} />
              </Grid.Col>
              <Grid.Col span={4}>
                <TextInput
                  label="Max concurrency"
                  description="Values to plan"
                  name="concurrency"
                  placeholder="1, 2, 4 … 256"
                  title="Values and ranges, e.g. 8,16,64 or 1-512. A grid too large to predict at every point is searched with NSGA-II."
                  value={form.concurrency}
                  onChange={(e) => setForm({ concurrency: e.currentTarget.value })}
                  error={errors.concurrency}
                  data-testid="optimizer-concurrency"
                />
              </Grid.Col>
              <Grid.Col span={8}>
                <TextInput label="Run name" description="Optional; saved with the run" name="runName" placeholder={model ? `${model.id} · ${form.isl}/${form.osl} tokens` : 'model · ISL/OSL tokens'} value={form.name} onChange={(e) => setForm({ name: e.currentTarget.value })} error={errors.name} />
              </Grid.Col>
              <Grid.Col span={12}>
                <CalibrateCheckbox model={form.model} backend={form.backend} />
              </Grid.Col>
            </Grid>
          </Grid.Col>
          <Grid.Col span={3}>
            <Input.Wrapper label="Engine" description="Selects the fitted coefficients">
              <SegmentedControl fullWidth size="sm" data={BACKEND_CHOICES} value={form.backend} onChange={(v) => setForm({ backend: v as Backend })} data-testid="optimizer-backend" />
            </Input.Wrapper>
            <TextInput
              mt={6}
              size="xs"
              label="Release"
              name="engineVersion"
              placeholder={catalog.engineReleases[form.backend] ? `newest known: ${catalog.engineReleases[form.backend]}` : 'newest known'}
              value={form.engineVersion}
              onChange={(e) => setForm({ engineVersion: e.currentTarget.value })}
              error={errors.engineVersion}
              data-testid="optimizer-engine-version"
            />
            <NumberInput
              mt={6}
              size="xs"
              label={BACKENDS.find((b) => b.value === form.backend)!.memoryKnob}
              description="The engine's memory knob, as it reads it"
              name="memoryFraction"
              placeholder="engine default"
              min={0}
              max={1}
              clampBehavior="none"
              step={0.01}
              decimalScale={3}
              hideControls
              value={form.memoryFraction}
              onChange={(v) => setForm({ memoryFraction: toNum(v) })}
              error={errors.memoryFraction}
              data-testid="optimizer-memory-fraction"
            />
            <Checkbox
              mt={6}
              size="xs"
              label="Also plan disaggregated prefill/decode"
              checked={form.disaggregated}
              onChange={(e) => setForm({ disaggregated: e.currentTarget.checked })}
              data-testid="optimizer-disagg"
            />
            <Checkbox
              mt={6}
              size="xs"
              label="MoE: also plan attention DP + expert parallelism"
              checked={form.attentionDp}
              onChange={(e) => setForm({ attentionDp: e.currentTarget.checked })}
              data-testid="optimizer-attention-dp"
            />
          </Grid.Col>
        </Grid>

        <ClusterPoolsTable gpus={catalog.gpus} errors={errors} />

        {error && <ErrorAlert error={error} title="The optimizer could not run" onClose={() => setError(null)} />}
        <Group justify="flex-end" gap="sm">
          {attempted && Object.keys(allErrors).length > 0 && (
            <Text size="xs" c="red">
              Fix the marked fields to run.
            </Text>
          )}
          <Tooltip label="Your role cannot run the optimizer (needs optimizer:run)" disabled={canRun}>
            {/* data-disabled, not disabled: a disabled button gets no hover, so its tooltip would never show. */}
            <Button leftSection={<IconPlayerPlay size={16} />} loading={running} data-disabled={!canRun || undefined} onClick={() => canRun && void run()} data-testid="optimizer-run">
              Run optimizer
            </Button>
          </Tooltip>
        </Group>
      </Stack>
    </Paper>
  );
}
