import { Alert, Code, Collapse, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { ClientError } from '../client';

/** A core error as users should see it: the message, what to do next, and details folded away. */
export function ErrorAlert({ error, title, onClose }: { error: ClientError; title?: string; onClose?: () => void }) {
  const [open, { toggle }] = useDisclosure(false);
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertTriangle size={18} />}
      title={title ?? error.message}
      withCloseButton={!!onClose}
      onClose={onClose}
      data-testid="error-alert"
    >
      <Stack gap={4}>
        {title && <Text size="sm">{error.message}</Text>}
        {error.hint && <Text size="sm">{error.hint}</Text>}
        {error.details !== undefined && (
          <>
            <UnstyledButton onClick={toggle}>
              <Text size="xs" c="dimmed">
                {open ? 'Hide details' : 'Show details'} ({error.code})
              </Text>
            </UnstyledButton>
            <Collapse expanded={open}>
              <Code block>{JSON.stringify(error.details, null, 2)}</Code>
            </Collapse>
          </>
        )}
      </Stack>
    </Alert>
  );
}
