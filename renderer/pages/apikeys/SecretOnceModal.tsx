import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { useState } from 'react';

/**
 * Shows a new API key's secret the one time it exists outside the gateway: the core keeps only its
 * hash. Closing needs a deliberate click, so a stray click outside cannot lose the key.
 */
interface Props {
  opened: boolean;
  secret: string;
  keyName: string;
  onClose(): void;
  onClosed(): void;
}

export function SecretOnceModal({ opened, secret, keyName, onClose, onClosed }: Props) {
  const [copied, setCopied] = useState(false);
  const close = () => {
    setCopied(false);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} onExitTransitionEnd={onClosed} title={`API key “${keyName}” created`} closeOnClickOutside={false} closeOnEscape={false} size="lg" data-testid="api-key-secret-modal">
      <Stack gap="md">
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="Copy it now — it will not be shown again">
          Foundry stores only a hash of this key. If it is lost, revoke it and create a new one.
        </Alert>
        <Group gap="xs" wrap="nowrap" align="center">
          <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="api-key-secret">
            {secret}
          </Code>
          <CopyButton value={secret} timeout={2000}>
            {({ copied: justCopied, copy }) => (
              <Tooltip label={justCopied ? 'Copied' : 'Copy'}>
                <Button
                  variant={justCopied ? 'filled' : 'light'}
                  color={justCopied ? 'teal' : undefined}
                  leftSection={justCopied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  onClick={() => {
                    copy();
                    setCopied(true);
                  }}
                  data-testid="api-key-copy"
                >
                  {justCopied ? 'Copied' : 'Copy'}
                </Button>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
        <Text size="xs" c="dimmed">
          Use it as a bearer token with the project’s gateway: <Code>Authorization: Bearer fdy_…</Code>
        </Text>
        <Group justify="flex-end">
          <Button variant={copied ? 'filled' : 'default'} onClick={close} data-testid="api-key-secret-done">
            {copied ? 'Done' : 'Close without copying'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
