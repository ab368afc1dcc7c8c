import { Box, Center, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { IconMessageChatbot } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { ClientError } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatsLine } from './StatsLine';
import type { Turn } from './transcript';

function Answer({ turn }: { turn: Turn }) {
  return (
    <Paper withBorder p="sm" radius="md" data-testid="playground-answer" data-streaming={turn.streaming ? 'true' : 'false'}>
      <Stack gap={6}>
        <Group gap="xs">
          <Text size="xs" fw={600} c="dimmed">
            {turn.model ?? 'assistant'}
          </Text>
          {turn.streaming && <Loader size={10} type="dots" data-testid="playground-streaming" />}
        </Group>
        {(turn.content || !turn.error) && (
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="playground-answer-text">
            {turn.content || (turn.streaming ? '…' : '')}
          </Text>
        )}
        {turn.error && <ErrorAlert error={new ClientError(turn.error)} />}
        {!turn.streaming && <StatsLine turn={turn} />}
      </Stack>
    </Paper>
  );
}

function Question({ turn }: { turn: Turn }) {
  return (
    <Box style={{ alignSelf: 'flex-end', maxWidth: '85%' }}>
      <Paper p="sm" radius="md" bg="var(--mantine-primary-color-light)" data-testid="playground-question">
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {turn.content}
        </Text>
      </Paper>
    </Box>
  );
}

/** The conversation, newest at the bottom, following the answer as it streams. */
export function Transcript({ turns }: { turns: Turn[] }) {
  const end = useRef<HTMLDivElement>(null);
  const last = turns.at(-1);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [turns.length, last?.content.length, last?.streaming]);

  if (turns.length === 0) {
    return (
      <Center mih={240} data-testid="playground-empty">
        <Stack align="center" gap={6}>
          <IconMessageChatbot size={32} stroke={1.5} color="var(--mantine-color-dimmed)" />
          <Text size="sm" c="dimmed" ta="center" maw={420}>
            Connect to a gateway, pick a model and send a message. Each answer shows its time to first token, tokens per second and the gateway’s overhead.
          </Text>
        </Stack>
      </Center>
    );
  }
  return (
    <Stack gap="sm" data-testid="playground-transcript">
      {turns.map((t) => (t.role === 'user' ? <Question key={t.id} turn={t} /> : <Answer key={t.id} turn={t} />))}
      <div ref={end} />
    </Stack>
  );
}
