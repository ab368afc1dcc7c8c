import { ScatterChart } from '@mantine/charts';
import { Badge, Group, Paper, Stack, Text, useComputedColorScheme } from '@mantine/core';
import { useMemo } from 'react';
import type { Plan } from '../../../optimizer/src/search';
import { buildSeries, formatAxisMs, gpuColors, shades, xAxisPlan } from './chart';
import { formatMs, formatTokensPerSec, formatUsd, layoutLabel, planKey, sloState, tokensPerGpu } from './format';

const SLO_LABEL = { meets: 'meets SLOs', misses: 'misses an SLO', 'too-big': 'needs more GPUs' } as const;

function PlanTooltip({ plan, onFront, gpuName }: { plan: Plan; onFront: boolean; gpuName(id: string): string }) {
  const p = plan.prediction;
  const rows: [string, string][] = [
    ['E2E latency', `${Math.round(p.e2eMs).toLocaleString('en-US')} ms`],
    ['Output per GPU', formatTokensPerSec(tokensPerGpu(plan))],
    ['TTFT mean / p90', `${formatMs(p.ttftMs)} / ${formatMs(p.ttftP90Ms)}`],
    ['TPOT', formatMs(p.tpotMs)],
    ['Cost', `${formatUsd(plan.costPerHour)}/h · ${formatUsd(plan.costPerMillionOutputTokens)}/M tok`],
  ];
  return (
    <Paper withBorder shadow="md" p="xs" miw={240} data-testid="pareto-tooltip">
      <Text size="sm" fw={600}>
        {plan.cluster} · {gpuName(plan.gpu)}
      </Text>
      <Text size="xs" c="dimmed" mb={4}>
        {layoutLabel(plan)} · {plan.maxConcurrency} seqs · ×{plan.replicas} replicas
      </Text>
      {rows.map(([k, v]) => (
        <Group key={k} justify="space-between" gap="md" wrap="nowrap">
          <Text size="xs" c="dimmed">
            {k}
          </Text>
          <Text size="xs" ff="monospace">
            {v}
          </Text>
        </Group>
      ))}
      <Group gap={4} mt={4}>
        {onFront && <Badge size="xs">Pareto front</Badge>}
        <Badge size="xs" color={plan.meetsSlo ? 'teal' : 'red'}>
          {SLO_LABEL[sloState(plan)]}
        </Badge>
      </Group>
    </Paper>
  );
}

interface Props {
  plans: Plan[];
  pareto: Plan[];
  recommended: Plan | null;
  gpuName(id: string): string;
  onSelect(plan: Plan): void;
}

/** Latency against throughput per GPU: the front in full colour, the other runnable plans dimmed behind it. */
export function ParetoChart({ plans, pareto, recommended, gpuName, onSelect }: Props) {
  const scheme = useComputedColorScheme('light');
  const series = useMemo(() => buildSeries(plans, pareto, { gpuName, scheme }), [plans, pareto, gpuName, scheme]);
  const front = useMemo(() => new Set(pareto.map(planKey)), [pareto]);
  const axis = useMemo(() => xAxisPlan(series), [series]);
  const runnable = series.reduce((n, s) => n + s.data.length, 0);
  const shown = new Set(series.map((s) => s.gpu));
  const legend = [...gpuColors(plans)].filter(([gpu]) => shown.has(gpu));
  const dot = (background: string) => <span style={{ display: 'inline-block', width: 9, height: 9, borderRadius: 9, background }} />;
  const css = (c: string) => (c.includes('(') ? c : `var(--mantine-color-${c.replace('.', '-')})`);

  return (
    <Paper withBorder p="md" data-testid="optimizer-pareto" h="100%">
      <Stack gap={4}>
        <Group justify="space-between" wrap="nowrap" align="baseline">
          <Text size="sm" fw={600}>
            Pareto front
          </Text>
          <Text size="xs" c="dimmed">
            {pareto.length} of {runnable} runnable plans{axis.scale === 'log' ? ' · log latency axis' : ''}
          </Text>
        </Group>
        <Group gap="md" data-testid="pareto-legend">
          {legend.map(([gpu, color]) => (
            <Group key={gpu} gap={4} wrap="nowrap">
              {dot(css(shades(color, scheme).strong))}
              {dot(css(shades(color, scheme).weak))}
              <Text size="xs">{gpuName(gpu)}</Text>
            </Group>
          ))}
          <Text size="xs" c="dimmed">
            strong: on the front · light: other plans · ring: recommended
          </Text>
        </Group>
        <ScatterChart
          h={290}
          data={series}
          dataKey={{ x: 'x', y: 'y' }}
          xAxisLabel="Predicted E2E latency per request (ms, s)"
          yAxisLabel="Output tok/s per GPU"
          valueFormatter={{ x: formatAxisMs, y: (v) => `${Math.round(v)}` }}
          gridAxis="xy"
          xAxisProps={{ scale: axis.scale, domain: axis.domain, ticks: axis.ticks, allowDataOverflow: true }}
          yAxisProps={{ domain: [0, 'auto'], width: 56 }}
          scatterChartProps={{ margin: { top: 4, right: 12, bottom: 24, left: 8 } }}
          scatterProps={{
            cursor: 'pointer',
            onClick: (point: unknown) => {
              const i = (point as { payload?: { i?: number }; i?: number }).payload?.i ?? (point as { i?: number }).i;
              if (i !== undefined && plans[i]) onSelect(plans[i]);
            },
          }}
          referenceDots={
            recommended
              ? [{ x: recommended.prediction.e2eMs, y: tokensPerGpu(recommended), r: 8, fill: 'transparent', stroke: 'var(--mantine-color-yellow-6)', strokeWidth: 3, ifOverflow: 'extendDomain' }]
              : []
          }
          tooltipProps={{
            content: ({ payload }) => {
              const i = (payload?.[0]?.payload as { i?: number } | undefined)?.i;
              const plan = i === undefined ? undefined : plans[i];
              return plan ? <PlanTooltip plan={plan} onFront={front.has(planKey(plan))} gpuName={gpuName} /> : null;
            },
          }}
        />
      </Stack>
    </Paper>
  );
}
