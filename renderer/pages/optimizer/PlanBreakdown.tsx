import { Alert, Group, List, Progress, SimpleGrid, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { Plan } from '../../../optimizer/src/search';
import { breakdownRows, formatPct } from './breakdown';
import { calibrationLine } from './calibration';
import { backendName, formatMs, formatTokensPerSec, formatUsd, layoutLabel } from './format';

function TermsBar({ title, terms, testId }: { title: string; terms: Partial<Record<string, number>>; testId: string }) {
  const { rows, totalMs, correction, calibration } = breakdownRows(terms);
  const shown = rows.filter((r) => r.ms > 0);
  return (
    <Stack gap={6} data-testid={testId}>
      <Group justify="space-between">
        <Text size="sm" fw={600}>
          {title}
        </Text>
        <Text size="xs" c="dimmed" ff="monospace">
          {formatMs(totalMs)} in all
        </Text>
      </Group>
      <Progress.Root size={18}>
        {shown.map((r) => (
          <Tooltip key={r.term} label={`${r.label}: ${formatMs(r.ms)} (${formatPct(r.pct)}) — ${r.help}`} multiline maw={320}>
            <Progress.Section value={r.pct} color={r.color}>
              {r.pct >= 18 && <Progress.Label>{r.label}</Progress.Label>}
            </Progress.Section>
          </Tooltip>
        ))}
      </Progress.Root>
      <Table fz="xs" verticalSpacing={2} horizontalSpacing="xs" withRowBorders={false} highlightOnHover={false}>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.term} c={r.ms > 0 ? undefined : 'dimmed'} title={r.help}>
              <Table.Td w={16}>
                <div style={{ width: 10, height: 10, borderRadius: 2, background: `var(--mantine-color-${r.color}-filled)`, opacity: r.ms > 0 ? 1 : 0.3 }} />
              </Table.Td>
              <Table.Td>{r.label}</Table.Td>
              <Table.Td ta="right" ff="monospace">
                {formatMs(r.ms)}
              </Table.Td>
              <Table.Td ta="right" ff="monospace" w={64}>
                {formatPct(r.pct)}
              </Table.Td>
            </Table.Tr>
          ))}
          {[correction, calibration].map(
            (extra) =>
              extra && (
                <Table.Tr key={extra.term} title={extra.help} data-testid={`breakdown-${extra.term}`}>
                  <Table.Td w={16} />
                  <Table.Td>{extra.label}</Table.Td>
                  <Table.Td ta="right" ff="monospace">
                    {extra.ms < 0 ? `−${formatMs(-extra.ms)}` : `+${formatMs(extra.ms)}`}
                  </Table.Td>
                  <Table.Td ta="right" ff="monospace" w={64}>
                    {extra.pct > 0 ? '+' : ''}
                    {formatPct(extra.pct)}
                  </Table.Td>
                </Table.Tr>
              ),
          )}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;

/** The engine's memory knob that sized the KV cache; runs saved before plans carried it have none. */
function budgetLabel(b: Plan['memory']['budget'] | undefined): string {
  return b ? ` (${backendName(b.rule)} ${b.knob} ${b.fraction})` : '';
}

/** One GPU's memory under the plan (absent from runs saved before plans carried it). */
function MemoryLine({ plan }: { plan: Plan }) {
  const m = plan.memory;
  return (
    <Text size="xs" c="dimmed" data-testid="plan-memory">
      Memory per GPU{budgetLabel(m.budget)}: {gib(m.usableBytes)} usable of {gib(m.gpuBytes)} · weights {gib(m.weights.total)} · activations {gib(m.activationBytes)} · CUDA graphs and reserve{' '}
      {gib(m.cudaGraphBytes + m.frameworkReserveBytes)} · KV cache {gib(Math.max(0, m.kvBudgetBytes))}, room for {m.maxConcurrency.toLocaleString('en-US')} sequences of{' '}
      {m.contextTokens.toLocaleString('en-US')} tokens
    </Text>
  );
}

/** Where a plan's predicted time goes: the model's named terms for TTFT and for TPOT, in ms and share. */
export function PlanBreakdown({ plan }: { plan: Plan }) {
  const p = plan.prediction;
  return (
    <Stack gap="sm" p="xs" data-testid="plan-breakdown">
      <Text size="xs" c="dimmed">
        {plan.cluster} · {plan.gpu} · {layoutLabel(plan)} · {plan.maxConcurrency} seqs · max model len {plan.maxModelLen.toLocaleString('en-US')} · {formatTokensPerSec(p.outputTokensPerSec)} and{' '}
        {p.requestsPerSec.toFixed(2)} req/s per replica · {formatUsd(plan.costPerMillionOutputTokens)} per M output tokens
      </Text>
      <SimpleGrid cols={2} spacing="lg">
        <TermsBar title={`TTFT · mean ${formatMs(p.ttftMs)}, p90 ${formatMs(p.ttftP90Ms)}`} terms={p.breakdown.ttft} testId="breakdown-ttft" />
        <TermsBar title={`TPOT · ${formatMs(p.tpotMs)}`} terms={p.breakdown.tpot} testId="breakdown-tpot" />
      </SimpleGrid>
      {p.calibration && (
        <Text size="xs" data-testid="plan-calibration">
          {calibrationLine(p.calibration)}
        </Text>
      )}
      {plan.memory && <MemoryLine plan={plan} />}
      {p.warnings.length > 0 && (
        <Alert color="yellow" variant="light" p="xs" icon={<IconAlertTriangle size={16} />}>
          <List size="xs" spacing={2}>
            {p.warnings.map((w) => (
              <List.Item key={w}>{w}</List.Item>
            ))}
          </List>
        </Alert>
      )}
    </Stack>
  );
}
