import { Alert, Badge, Button, Group, List, Paper, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconChartBar, IconRocket, IconStarFilled } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { OptimizeResult, Plan } from '../../../optimizer/src/search';
import { formatMs, formatTokensPerSec, formatUsd, layoutLabel } from './format';

function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600} lh={1.2}>
        {label}
      </Text>
      <Text size="sm" fw={600} title={hint}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed" lh={1.2}>
          {hint}
        </Text>
      )}
    </div>
  );
}

interface Props {
  result: OptimizeResult;
  gpuName(id: string): string;
  ttftPercentile: 'mean' | 'p90';
  onBreakdown(plan: Plan): void;
}

/** The plan the optimizer recommends (the cheapest that meets the SLOs on GPUs the cluster has), or why there is none. */
export function RecommendedCard({ result, gpuName, ttftPercentile, onBreakdown }: Props) {
  const plan = result.recommended;
  if (!plan) {
    return (
      <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="No plan meets the SLOs" data-testid="optimizer-no-plan">
        <Stack gap={4}>
          <Text size="sm">The optimizer says: {result.noPlanReason ?? 'no configuration qualifies'}.</Text>
          <Text size="sm">Loosen the TTFT or TPOT SLO, lower the target rate, or add GPUs; the plans table shows how close each option came.</Text>
        </Stack>
      </Alert>
    );
  }
  const p = plan.prediction;
  const ttft = ttftPercentile === 'p90' ? p.ttftP90Ms : p.ttftMs;
  return (
    <Paper withBorder p="md" data-testid="optimizer-recommended" h="100%">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <div>
            <Group gap={6}>
              <IconStarFilled size={14} color="var(--mantine-color-yellow-6)" />
              <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                Recommended plan
              </Text>
            </Group>
            <Title order={4} mt={2}>
              {plan.cluster} · {gpuName(plan.gpu)}
            </Title>
          </div>
          <Badge color="teal">meets SLOs</Badge>
        </Group>
        <SimpleGrid cols={3} spacing="xs" verticalSpacing={8}>
          <Stat label="Layout" value={layoutLabel(plan)} />
          <Stat label="Max seqs" value={plan.maxConcurrency} />
          <Stat label="Replicas" value={plan.replicas} />
          <Stat label="GPUs" value={plan.totalGpus} hint={`${plan.gpusPerReplica} per replica`} />
          <Stat label={`TTFT ${ttftPercentile}`} value={formatMs(ttft)} hint={ttftPercentile === 'p90' ? `mean ${formatMs(p.ttftMs)}` : `p90 ${formatMs(p.ttftP90Ms)}`} />
          <Stat label="TPOT" value={formatMs(p.tpotMs)} />
          <Stat label="E2E" value={formatMs(p.e2eMs)} hint="per request" />
          <Stat label="Output" value={formatTokensPerSec(p.outputTokensPerSec * plan.replicas)} hint={plan.replicas > 1 ? `${formatTokensPerSec(p.outputTokensPerSec)} per replica` : 'one replica'} />
          <Stat label="$ / hour" value={formatUsd(plan.costPerHour)} />
          <Stat label="$ / M tokens" value={formatUsd(plan.costPerMillionOutputTokens)} hint="output tokens" />
          <Stat label="Requests" value={`${(p.requestsPerSec * plan.replicas).toFixed(2)}/s`} hint="capacity" />
          <Stat label="Max model len" value={plan.maxModelLen.toLocaleString('en-US')} />
        </SimpleGrid>
        {p.warnings.length > 0 && (
          <Alert color="yellow" variant="light" p="xs" icon={<IconAlertTriangle size={16} />} data-testid="recommended-warnings">
            <List size="xs" spacing={2}>
              {p.warnings.map((w) => (
                <List.Item key={w}>{w}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        <Group gap="xs">
          <Button size="xs" variant="light" leftSection={<IconChartBar size={14} />} onClick={() => onBreakdown(plan)} data-testid="recommended-breakdown">
            Show breakdown
          </Button>
          <Tooltip label="Deploying needs a cluster; the Deploy wizard arrives with Deployments.">
            <Button size="xs" variant="default" leftSection={<IconRocket size={14} />} data-disabled onClick={(e) => e.preventDefault()}>
              Deploy this plan
            </Button>
          </Tooltip>
        </Group>
      </Stack>
    </Paper>
  );
}
