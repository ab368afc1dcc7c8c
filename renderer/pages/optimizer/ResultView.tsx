import { Badge, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import type { OptimizerRun } from '../../../main/core/optimizer/service';
import { Time } from '../../components/Time';
import { accuracyLines } from './accuracy';
import { formatMs, planKey } from './format';
import { MeasurementsSection } from './MeasurementsSection';
import { ParetoChart } from './ParetoChart';
import { PlansTable } from './PlansTable';
import { RecommendedCard } from './RecommendedCard';
import { RejectedSection } from './RejectedSection';
import { useOptimizer } from './state';

function sloLine(slo: OptimizerRun['request']['slo']): string {
  const parts = [
    slo.ttftMs !== undefined ? `TTFT ${slo.ttftPercentile ?? 'mean'} ≤ ${formatMs(slo.ttftMs)}` : null,
    slo.tpotMs !== undefined ? `TPOT ≤ ${formatMs(slo.tpotMs)}` : null,
    slo.targetRequestsPerSec !== undefined ? `${slo.targetRequestsPerSec} req/s` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'no SLOs';
}

/** One run's answer: the recommendation, the front, every plan, and what was turned down. */
export function ResultView({ run, gpuName, onRan }: { run: OptimizerRun; gpuName(id: string): string; onRan(run: OptimizerRun): void }) {
  const selected = useOptimizer((s) => s.selected);
  const select = useOptimizer((s) => s.select);
  const reveal = useOptimizer((s) => s.reveal);
  const revealed = useOptimizer((s) => s.revealed);
  const top = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!reveal) return;
    top.current?.scrollIntoView({ block: 'start' });
    revealed();
  }, [reveal, revealed, run.id]);
  const { request: req, result } = run;
  const ttftPercentile = req.slo.ttftPercentile ?? 'mean';
  // Optional at read time: runs saved by an older library have no accuracy.
  const accuracy = accuracyLines((result as Partial<typeof result>).accuracy);

  return (
    <Stack gap="sm" data-testid="optimizer-result" ref={top} style={{ scrollMarginTop: 64 }}>
      <Group justify="space-between" align="flex-end" wrap="nowrap">
        <div style={{ minWidth: 0 }}>
          <Title order={4} data-testid="optimizer-result-name" style={{ overflowWrap: 'anywhere' }}>
            {run.name}
          </Title>
          <Text size="xs" c="dimmed">
            {req.model} · {req.workload.isl.toLocaleString('en-US')} in / {req.workload.osl.toLocaleString('en-US')} out tokens · {req.backend}
            {req.engineVersion ? ` ${req.engineVersion}` : ''} · {sloLine(req.slo)} ·{' '}
            {req.clusters.map((c) => `${c.name}: ${c.gpus.map((g) => `${g.count}× ${g.gpu}`).join(' + ')}`).join('; ')}
          </Text>
        </div>
        <Stack gap={2} align="flex-end" style={{ flexShrink: 0 }}>
          <Text size="xs" c="dimmed">
            by {run.createdBy} · <Time iso={run.createdAt} size="xs" />
          </Text>
          <Group gap={4}>
            <Badge size="sm" color="gray" title={result.search?.method === 'nsga2' ? `NSGA-II searched ${result.search.candidates.toLocaleString('en-US')} layout × concurrency points` : undefined}>
              {result.evaluated} predicted{result.search?.method === 'nsga2' ? ` (NSGA-II of ${result.search.candidates.toLocaleString('en-US')})` : ''}
            </Badge>
            <Badge size="sm" color="gray">
              {result.plans.length} plans
            </Badge>
            <Badge size="sm" color="gray">
              {result.rejected.length} rejected
            </Badge>
            {result.calibration && (
              <Badge size="sm" color="indigo" variant="light" data-testid="optimizer-calibrated" title={`Calibrated with ${result.calibration.points.length} recorded measurement(s); plans of other deployments are as predicted`}>
                {result.calibration.points.length === 0 ? 'nothing to calibrate with' : `${result.calibration.plans} calibrated`}
              </Badge>
            )}
          </Group>
        </Stack>
      </Group>

      <Grid gap="sm" align="stretch">
        <Grid.Col span={5}>
          <RecommendedCard result={result} gpuName={gpuName} ttftPercentile={ttftPercentile} onBreakdown={(p) => select(planKey(p))} />
        </Grid.Col>
        <Grid.Col span={7}>
          <ParetoChart plans={result.plans} pareto={result.pareto} recommended={result.recommended} gpuName={gpuName} onSelect={(p) => select(planKey(p))} />
        </Grid.Col>
      </Grid>
      <Group gap={6} wrap="nowrap" align="flex-start" data-testid="optimizer-accuracy">
        <IconInfoCircle size={14} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0, marginTop: 2 }} />
        {accuracy ? (
          <Text size="xs" c="dimmed">
            {accuracy.models} {accuracy.gpus} Treat plans within that margin as ties, and measure before committing: measurements recorded below calibrate later runs of the same deployment.
            {result.calibration && accuracy.calibrated ? ` ${accuracy.calibrated}` : ''}
          </Text>
        ) : (
          <Text size="xs" c="dimmed">
            This run was saved before the optimizer recorded its measured accuracy; run it again to see the expected error.
          </Text>
        )}
      </Group>

      <PlansTable result={result} ttftPercentile={ttftPercentile} selected={selected} onSelect={select} />
      <MeasurementsSection key={run.id} run={run} onRan={onRan} />
      <RejectedSection rejected={result.rejected} />
    </Stack>
  );
}
