import { ActionIcon, Badge, Button, Group, SegmentedControl, Table, Text, Tooltip } from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconListSearch, IconStarFilled, IconTarget } from '@tabler/icons-react';
import { Fragment, useCallback, useEffect, useMemo, useState } from 'react';
import type { OptimizeResult, Plan } from '../../../optimizer/src/search';
import { SortableTh } from '../../components/SortableTh';
import { RowDetail } from '../../components/RowDetail';
import { TableEmpty } from '../../components/TableEmpty';
import { useSort } from '../../components/sort';
import { STATUS_COLORS } from '../../theme';
import { formatMs, formatUsd, layoutLabel, planKey, sloState, type SloState } from './format';
import { calibrationLine } from './calibration';
import { PlanBreakdown } from './PlanBreakdown';
import { reasonIndex } from './rejected';
import { SelectableRow } from '../../components/SelectableRow';

type Key = 'front' | 'cluster' | 'gpu' | 'layout' | 'seqs' | 'replicas' | 'ttft' | 'tpot' | 'e2e' | 'tps' | 'cost' | 'mtok' | 'slo';
type Filter = 'meets' | 'front' | 'all';

const SLO_BADGE: Record<SloState, { color: string; label: string }> = {
  meets: { color: STATUS_COLORS.ok, label: 'meets' },
  'too-big': { color: STATUS_COLORS.expired, label: 'too few GPUs' },
  misses: { color: STATUS_COLORS.failed, label: 'misses' },
};
const SLO_RANK: Record<SloState, number> = { meets: 0, 'too-big': 1, misses: 2 };
/**
 * Rows drawn at first and per "show more": an NSGA-II run over a fine concurrency grid has thousands of plans, and
 * drawing every row (each with its badge, tooltip and button) held the page for seconds when such a run opened.
 */
export const ROWS_PER_PAGE = 100;

interface Props {
  result: OptimizeResult;
  ttftPercentile: 'mean' | 'p90';
  selected: string | null;
  onSelect(key: string | null): void;
}

export function PlansTable({ result, ttftPercentile, selected, onSelect }: Props) {
  const front = useMemo(() => new Set(result.pareto.map(planKey)), [result]);
  const reasons = useMemo(() => reasonIndex(result.rejected), [result]);
  const [filter, setFilter] = useState<Filter>('meets');
  const ttft = useCallback((p: Plan) => (ttftPercentile === 'p90' ? p.prediction.ttftP90Ms : p.prediction.ttftMs), [ttftPercentile]);
  const counts = {
    meets: result.plans.filter((p) => sloState(p) === 'meets').length,
    front: result.pareto.length,
    all: result.plans.length,
  };
  const rows = useMemo(() => result.plans.filter((p) => (filter === 'all' ? true : filter === 'front' ? front.has(planKey(p)) : sloState(p) === 'meets')), [result, filter, front]);
  const pick = useCallback(
    (p: Plan, k: Key) =>
      ({
        front: front.has(planKey(p)) ? 0 : 1,
        cluster: p.cluster,
        gpu: p.gpu,
        layout: p.gpusPerReplica * 100 + p.tp * 2 + (p.attentionDp ? 1 : 0),
        seqs: p.maxConcurrency,
        replicas: p.replicas,
        ttft: ttft(p),
        tpot: p.prediction.tpotMs,
        e2e: p.prediction.e2eMs,
        tps: p.prediction.outputTokensPerSec,
        cost: p.costPerHour,
        mtok: p.costPerMillionOutputTokens,
        slo: SLO_RANK[sloState(p)],
      })[k],
    [front, ttft],
  );
  const { sorted, sort, toggle } = useSort(rows, { key: 'cost', dir: 'asc' }, pick);
  const [limit, setLimit] = useState(ROWS_PER_PAGE);
  const shown = useMemo(() => sorted.slice(0, limit), [sorted, limit]);

  // A plan picked on the chart or the card may be hidden by the filter or below the rows drawn: show it, then bring
  // it into view.
  useEffect(() => {
    if (!selected) return;
    const at = sorted.findIndex((p) => planKey(p) === selected);
    if (at < 0) setFilter('all');
    else if (at >= limit) setLimit(Math.ceil((at + 1) / ROWS_PER_PAGE) * ROWS_PER_PAGE);
    else document.querySelector(`[data-plan-key="${CSS.escape(selected)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected, sorted, limit]);

  const th = (k: Key, label: string, w?: number, align?: 'right') => (
    <SortableTh column={k} sort={sort} onSort={toggle} w={w} align={align}>
      {label}
    </SortableTh>
  );

  return (
    <div data-testid="optimizer-plans">
      <Group justify="space-between" mb="xs">
        <SegmentedControl
          size="xs"
          value={filter}
          onChange={(v) => setFilter(v as Filter)}
          data={[
            { value: 'meets', label: `Runnable, meets SLOs (${counts.meets})` },
            { value: 'front', label: `Pareto front (${counts.front})` },
            { value: 'all', label: `All predicted (${counts.all})` },
          ]}
          data-testid="plans-filter"
        />
        <Text size="xs" c="dimmed">
          Click a plan for its breakdown · tok/s is per replica
        </Text>
      </Group>
      <Table.ScrollContainer minWidth={980}>
        <Table fz="xs" layout="fixed" verticalSpacing={6} horizontalSpacing={6}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={26} />
              {th('front', '★', 44)}
              {th('cluster', 'Cluster')}
              {th('gpu', 'GPU', 120)}
              {th('layout', 'Layout', 76)}
              {th('seqs', 'Seqs', 62, 'right')}
              {th('replicas', 'Repl.', 60, 'right')}
              {th('ttft', ttftPercentile === 'p90' ? 'TTFT p90' : 'TTFT', 80, 'right')}
              {th('tpot', 'TPOT', 72, 'right')}
              {th('e2e', 'E2E', 72, 'right')}
              {th('tps', 'tok/s', 70, 'right')}
              {th('cost', '$/h', 72, 'right')}
              {th('mtok', '$/Mtok', 80, 'right')}
              {th('slo', 'SLO', 100)}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sorted.length === 0 && <TableEmpty colSpan={14} icon={<IconListSearch size={22} />} title="No plans here" description="Try another filter: every predicted plan is under “All predicted”." />}
            {shown.map((p) => {
              const key = planKey(p);
              const open = key === selected;
              const state = sloState(p);
              const why = state === 'meets' ? undefined : reasons.get(key);
              return (
                <Fragment key={key}>
                  <SelectableRow data-testid="plan-row" data-plan-key={key} selected={open} onSelect={() => onSelect(open ? null : key)}>
                    <Table.Td>
                      <ActionIcon variant="subtle" color="gray" size="xs" aria-label={open ? 'Hide breakdown' : 'Show breakdown'}>
                        {open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                      </ActionIcon>
                    </Table.Td>
                    <Table.Td>{front.has(key) && <IconStarFilled size={12} color="var(--mantine-color-yellow-6)" aria-label="On the Pareto front" />}</Table.Td>
                    <Table.Td>
                      <Text size="xs" truncate>
                        {p.cluster}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" truncate ff="monospace">
                        {p.gpu}
                      </Text>
                    </Table.Td>
                    <Table.Td ff="monospace">{layoutLabel(p)}</Table.Td>
                    <Table.Td ta="right">{p.maxConcurrency}</Table.Td>
                    <Table.Td ta="right" title={`${p.replicas} × ${p.gpusPerReplica} = ${p.totalGpus} GPUs`}>
                      {p.replicas}
                    </Table.Td>
                    <Table.Td ta="right">
                      {p.prediction.calibration && (
                        <Tooltip label={calibrationLine(p.prediction.calibration)} multiline maw={320}>
                          <IconTarget size={11} color="var(--mantine-color-indigo-6)" style={{ marginRight: 3, verticalAlign: -1 }} aria-label="Calibrated" data-testid="plan-calibrated" />
                        </Tooltip>
                      )}
                      {formatMs(ttft(p))}
                    </Table.Td>
                    <Table.Td ta="right">{formatMs(p.prediction.tpotMs)}</Table.Td>
                    <Table.Td ta="right">{formatMs(p.prediction.e2eMs)}</Table.Td>
                    <Table.Td ta="right">{Math.round(p.prediction.outputTokensPerSec).toLocaleString('en-US')}</Table.Td>
                    <Table.Td ta="right">{formatUsd(p.costPerHour)}</Table.Td>
                    <Table.Td ta="right">{formatUsd(p.costPerMillionOutputTokens)}</Table.Td>
                    <Table.Td>
                      <Tooltip label={why ?? 'Meets the SLOs on GPUs the cluster has'} disabled={!why} multiline maw={320}>
                        <Badge size="sm" color={SLO_BADGE[state].color} data-testid="plan-slo">
                          {SLO_BADGE[state].label}
                        </Badge>
                      </Tooltip>
                    </Table.Td>
                  </SelectableRow>
                  {open && (
                    <RowDetail colSpan={14} shaded>
                      <PlanBreakdown plan={p} />
                    </RowDetail>
                  )}
                </Fragment>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {sorted.length > shown.length && (
        <Group justify="center" gap="xs" mt="xs" data-testid="plans-more">
          <Text size="xs" c="dimmed">
            {shown.length.toLocaleString('en-US')} of {sorted.length.toLocaleString('en-US')} plans, in this order
          </Text>
          <Button size="compact-xs" variant="light" onClick={() => setLimit((l) => l + ROWS_PER_PAGE)}>
            Show {Math.min(ROWS_PER_PAGE, sorted.length - shown.length)} more
          </Button>
          <Button size="compact-xs" variant="subtle" onClick={() => setLimit(sorted.length)}>
            Show all
          </Button>
        </Group>
      )}
    </div>
  );
}
