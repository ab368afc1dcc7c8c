import { Badge, Button, Card, Group, NumberInput, PasswordInput, SegmentedControl, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { IconPlugConnected } from '@tabler/icons-react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { endpointKey, endpointOf, usePlayground, type EndpointMode } from './state';

/**
 * Where to chat: the Foundry gateway of an imported cluster (reached through its API server) or a URL,
 * an API key typed in for this window, then the model and its settings.
 */
export function EndpointPanel() {
  const s = usePlayground();
  const stale = s.connectedTo !== null && (s.connectedTo.endpoint !== endpointKey(s) || s.connectedTo.apiKey !== s.apiKey);
  const connected = s.connectedTo !== null && !stale;
  return (
    <Card withBorder padding="md" data-testid="playground-endpoint">
      <Stack gap="sm">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void s.connect();
          }}
        >
          <Stack gap="sm">
            <SegmentedControl
              fullWidth
              size="xs"
              value={s.mode}
              onChange={(v) => s.set({ mode: v as EndpointMode })}
              data={[
                { value: 'cluster', label: 'Cluster gateway' },
                { value: 'url', label: 'URL' },
              ]}
              aria-label="Endpoint kind"
              data-testid="playground-mode"
            />
            {s.mode === 'cluster' ? (
              <Select
                label="Cluster"
                placeholder={s.gateways.length ? 'Pick a cluster' : 'No cluster has a Foundry gateway yet'}
                description={s.gateways.length ? 'Its gateway, reached through the cluster’s API server' : 'Install the gateway from the Clusters page, or use a URL'}
                data={s.gateways.map((g) => ({ value: g.clusterId, label: `${g.name} (${g.namespace})${g.installedAt ? '' : ' · config only'}` }))}
                value={s.clusterId}
                onChange={(v) => s.set({ clusterId: v })}
                disabled={s.gateways.length === 0}
                data-testid="playground-cluster"
              />
            ) : (
              <TextInput
                label="Gateway URL"
                name="baseUrl"
                placeholder="http://127.0.0.1:8080"
                description="A Foundry gateway, a port-forward to one, or any OpenAI-compatible endpoint"
                value={s.baseUrl}
                onChange={(e) => s.set({ baseUrl: e.currentTarget.value })}
                data-testid="playground-url"
              />
            )}
            <PasswordInput
              label="API key"
              name="apiKey"
              placeholder="fdy_…"
              description="Kept in memory for this window only; never saved or logged"
              value={s.apiKey}
              onChange={(e) => s.set({ apiKey: e.currentTarget.value })}
              autoComplete="off"
              data-testid="playground-key"
            />
            <Group justify="space-between">
              {connected ? (
                <Badge color="teal" variant="light" data-testid="playground-connected">
                  {s.models.length} {s.models.length === 1 ? 'model' : 'models'}
                </Badge>
              ) : (
                <Text size="xs" c="dimmed">
                  {stale ? 'Endpoint changed: connect again' : 'Connect to list the models'}
                </Text>
              )}
              <Button type="submit" loading={s.connecting} disabled={!endpointOf(s) || !s.apiKey.trim()} leftSection={<IconPlugConnected size={16} />} data-testid="playground-connect">
                Connect
              </Button>
            </Group>
          </Stack>
        </form>
        {s.error && <ErrorAlert error={s.error} onClose={() => s.set({ error: null })} />}
        <Select
          label="Model"
          placeholder={s.models.length ? 'Pick a model' : 'Connect first'}
          data={s.models.map((m) => m.id)}
          value={s.model}
          onChange={(v) => s.set({ model: v })}
          disabled={s.models.length === 0}
          searchable
          // A gateway may serve thousands of models: the list shows the first matches of what is typed.
          limit={200}
          nothingFoundMessage="No model of that name"
          data-testid="playground-model"
        />
        <Group grow>
          <NumberInput label="Temperature" min={0} max={2} step={0.1} decimalScale={2} value={s.temperature} onChange={(v) => s.set({ temperature: typeof v === 'number' ? v : 0.7 })} data-testid="playground-temperature" />
          <NumberInput label="Max tokens" min={1} max={131072} step={64} value={s.maxTokens} onChange={(v) => s.set({ maxTokens: typeof v === 'number' ? Math.max(1, Math.round(v)) : 512 })} data-testid="playground-max-tokens" />
        </Group>
        <Textarea label="System prompt" placeholder="Optional" autosize minRows={2} maxRows={6} value={s.system} onChange={(e) => s.set({ system: e.currentTarget.value })} data-testid="playground-system" />
      </Stack>
    </Card>
  );
}
