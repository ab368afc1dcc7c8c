import { Code, Group, Modal, ScrollArea, Stack, Text } from '@mantine/core';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useLoad } from '../../components/useLoad';

/** The gateway config (TOML) this desktop renders, the part every cluster shares: keys as hashes, never secrets. */
export function GatewayConfigModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const config = useLoad(opened ? () => call('gateway:config', {}) : null, String(opened));
  return (
    <Modal opened={opened} onClose={onClose} title="Gateway config" size="xl" data-testid="gateway-config-modal">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          What every synced cluster's gateway gets from this desktop. API keys appear as SHA-256 hashes; provider keys as files in the gateway's Secret. A
          cluster with a limits store (Clusters page) also gets a [limits] section naming its Redis URL's file.
        </Text>
        {config.error && <ErrorAlert error={config.error} />}
        {config.data && (
          <>
            <Group gap="md">
              <Text size="xs">{config.data.projects} projects</Text>
              <Text size="xs">{config.data.apiKeys} API keys</Text>
            </Group>
            <ScrollArea.Autosize mah={520}>
              <Code block data-testid="gateway-config-toml">
                {config.data.toml}
              </Code>
            </ScrollArea.Autosize>
          </>
        )}
      </Stack>
    </Modal>
  );
}
