import { Alert, Badge, Code, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCircleCheck, IconPlugConnectedX } from '@tabler/icons-react';
import type { EndpointTestResult } from '../../../main/core/endpoints/types';
import { Time } from '../../components/Time';

const FAILURE_LABEL: Record<NonNullable<EndpointTestResult['error']>['kind'], string> = {
  unreachable: 'Unreachable',
  timeout: 'Timed out',
  tls: 'TLS problem',
  unauthorized: 'Key refused',
  not_found: 'Not found',
  rate_limited: 'Rate limited',
  bad_request: 'Request refused',
  upstream_error: 'Upstream error',
  bad_response: 'Not a model list',
};

/** The table cell: the last test's outcome in a word or two, with when and why on hover. */
export function LastTestBadge({ result }: { result: EndpointTestResult | null }) {
  if (!result) {
    return (
      <Text size="sm" c="dimmed">
        Not tested
      </Text>
    );
  }
  const label = result.ok ? `OK · ${result.latencyMs} ms` : FAILURE_LABEL[result.error!.kind];
  return (
    <Tooltip label={result.ok ? `${result.models.length} model(s); ${result.note ?? 'the upstream model is listed'}` : `${result.status ? `HTTP ${result.status}: ` : ''}${result.error!.message}`} multiline w={320} withinPortal>
      <Stack gap={0}>
        <Badge color={result.ok ? (result.note ? 'yellow' : 'teal') : 'red'} variant="light" tt="none" data-testid="last-test">
          {label}
        </Badge>
        <Time iso={result.at} size="xs" />
      </Stack>
    </Tooltip>
  );
}

/** What a test just found: the models and latency, or the failure with what to do about it. */
export function TestResultAlert({ name, result, onClose }: { name: string; result: EndpointTestResult; onClose(): void }) {
  if (!result.ok) {
    const e = result.error!;
    return (
      <Alert color="red" variant="light" icon={<IconPlugConnectedX size={18} />} title={`${name}: ${FAILURE_LABEL[e.kind]}`} withCloseButton onClose={onClose} data-testid="test-result" data-status="failed">
        <Stack gap={4}>
          <Text size="sm">{e.message}</Text>
          <Text size="sm">{e.hint}</Text>
          <Text size="xs" c="dimmed">
            Probe: <Code>{result.probe}</Code>
          </Text>
        </Stack>
      </Alert>
    );
  }
  return (
    <Alert color={result.note ? 'yellow' : 'teal'} variant="light" icon={<IconCircleCheck size={18} />} title={`${name}: reachable in ${result.latencyMs} ms`} withCloseButton onClose={onClose} data-testid="test-result" data-status="ok">
      <Stack gap={6}>
        <Text size="sm">
          {result.models.length === 1 ? 'It offers 1 model:' : `It offers ${result.models.length} models:`}
        </Text>
        <Group gap={4} data-testid="test-result-models">
          {result.models.slice(0, 40).map((m) => (
            <Badge key={m} variant="default" tt="none">
              {m}
            </Badge>
          ))}
          {result.models.length > 40 && <Text size="xs">+{result.models.length - 40} more</Text>}
        </Group>
        {result.note && <Text size="sm">{result.note}</Text>}
        <Text size="xs" c="dimmed">
          Probe: <Code>{result.probe}</Code> from this machine; the gateway calls it from inside each cluster.
        </Text>
      </Stack>
    </Alert>
  );
}
