import { Badge, Button, CopyButton, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconTerminal2 } from '@tabler/icons-react';
import type { Turn } from './transcript';
import { statParts } from './format';

function CopyCurl({ curl }: { curl: string }) {
  return (
    <CopyButton value={curl} timeout={2000}>
      {({ copied, copy }) => (
        <Tooltip label="The key stays out: set FOUNDRY_API_KEY in your shell" openDelay={300}>
          <Button size="compact-xs" variant="subtle" color={copied ? 'teal' : 'gray'} leftSection={copied ? <IconCheck size={12} /> : <IconTerminal2 size={12} />} onClick={copy} data-testid="copy-curl">
            {copied ? 'Copied' : 'Copy as curl'}
          </Button>
        </Tooltip>
      )}
    </CopyButton>
  );
}

/** Under each answer: TTFT, tok/s, tokens, total, gateway overhead and what the guardrails did, and the request as curl. */
export function StatsLine({ turn }: { turn: Turn }) {
  return (
    <Group justify="space-between" wrap="wrap" gap="md" style={{ rowGap: 2 }} data-testid="playground-stats">
      <Group gap="md" wrap="wrap" style={{ rowGap: 2 }}>
        {turn.cancelled && (
          <Badge size="sm" color="yellow" variant="light">
            stopped
          </Badge>
        )}
        {turn.stats &&
          statParts(turn.stats).map((p) => (
            <Tooltip key={p.label} label={p.title} openDelay={300}>
              <Text size="xs" c="dimmed" data-testid={`stat-${p.label.replace('/', '-')}`}>
                {p.label}{' '}
                <Text span size="xs" fw={600} c="var(--mantine-color-text)" ff="monospace">
                  {p.value}
                </Text>
              </Text>
            </Tooltip>
          ))}
      </Group>
      <Group gap="xs" wrap="nowrap">
        {turn.stats?.traceId && (
          <Tooltip label="x-foundry-trace-id: find this request in the gateway's logs and traces" openDelay={300}>
            <Text size="xs" c="dimmed" ff="monospace">
              trace {turn.stats.traceId.slice(0, 12)}
            </Text>
          </Tooltip>
        )}
        {turn.curl && <CopyCurl curl={turn.curl} />}
      </Group>
    </Group>
  );
}
