import { Badge, Button, Code, Group, Highlight, List, Paper, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconFlask } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { GuardrailSideResult, GuardrailTestResult } from '../../../main/core/guardrails/dry-run';
import type { GuardrailProfile } from '../../../main/core/guardrails/service';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useAction } from '../../components/useAction';
import { BUILTIN_PLACEHOLDERS } from './form';

function SideResult({ label, side, placeholders, testId }: { label: string; side: GuardrailSideResult; placeholders: string[]; testId: string }) {
  const redactions = side.findings.filter((f) => f.action === 'redact');
  const status = side.blocked ? { text: 'Blocked', color: 'red' } : redactions.length ? { text: 'Redacted', color: 'yellow' } : { text: 'Passes unchanged', color: 'teal' };
  return (
    <Paper withBorder p="sm" data-testid={testId} data-status={status.text.toLowerCase()}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600} size="sm">
            {label}
          </Text>
          <Badge color={status.color}>{status.text}</Badge>
        </Group>
        {side.blocked ? (
          <>
            <Text size="sm">
              Rule <b>{side.blocked.rule}</b>: {side.blocked.why}
              {side.blocked.match !== null && (
                <>
                  {' '}
                  — matched <Code>{side.blocked.match}</Code>
                </>
              )}
            </Text>
            <Text size="xs" c="dimmed">
              The client gets HTTP 400: “{side.blocked.message}”
            </Text>
          </>
        ) : (
          <Code block data-testid={`${testId}-text`}>
            <Highlight highlight={placeholders} component="span" size="sm" ff="monospace">
              {side.text}
            </Highlight>
          </Code>
        )}
        {redactions.length > 0 && (
          <List size="sm" spacing={2}>
            {redactions.map((f) => (
              <List.Item key={f.rule}>
                <b>{f.rule}</b> ×{f.count}: {f.why}
              </List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Paper>
  );
}

/** "Try it": sample text through the gateway's own engine with this profile. Nothing is saved or audited. */
export function TryPanel({ profile }: { profile: GuardrailProfile }) {
  const [input, setInput] = useState('');
  const [output, setOutput] = useState('');
  const [result, setResult] = useState<GuardrailTestResult | null>(null);
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    setResult(null);
    setError(null);
  }, [profile.id, profile.updatedAt, setError]);

  const placeholders = [...BUILTIN_PLACEHOLDERS, ...profile.policy.rules.map((r) => r.replacement)];
  const tryIt = () =>
    run(async () => {
      setResult(await call('guardrails:test', { profileId: profile.id, ...(input ? { input } : {}), ...(output ? { output } : {}) }));
    });

  return (
    <Paper withBorder p="md" data-testid="try-panel">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Try {profile.name}</Title>
          <Text size="xs" c="dimmed">
            Runs the gateway&apos;s own guardrail engine on your sample; nothing is saved, logged or audited.
          </Text>
        </Group>
        <SimpleGrid cols={2} spacing="sm">
          <Textarea label="Sample prompt (input)" placeholder="e.g. Please email jane.doe@example.com the card 4111 1111 1111 1111" autosize minRows={3} maxRows={10} value={input} onChange={(e) => setInput(e.currentTarget.value)} data-testid="try-input" />
          <Textarea label="Sample answer (output)" placeholder="What the model might answer" autosize minRows={3} maxRows={10} value={output} onChange={(e) => setOutput(e.currentTarget.value)} data-testid="try-output" />
        </SimpleGrid>
        <Group>
          <Button leftSection={<IconFlask size={16} />} onClick={() => void tryIt()} loading={busy} disabled={!input && !output} data-testid="try-submit">
            Try it
          </Button>
          {result?.input?.blocked && result.output && (
            <Text size="xs" c="dimmed">
              In the gateway a blocked prompt never reaches the model, so there would be no answer; the answer is checked here on its own.
            </Text>
          )}
        </Group>
        {error && <ErrorAlert error={error} />}
        {result && (
          <SimpleGrid cols={result.input && result.output ? 2 : 1} spacing="sm">
            {result.input && <SideResult label="Prompt → model" side={result.input} placeholders={placeholders} testId="try-result-input" />}
            {result.output && <SideResult label="Answer → client" side={result.output} placeholders={placeholders} testId="try-result-output" />}
          </SimpleGrid>
        )}
      </Stack>
    </Paper>
  );
}
