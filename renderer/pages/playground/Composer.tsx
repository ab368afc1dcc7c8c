import { Button, Group, Kbd, Text, Textarea } from '@mantine/core';
import { IconPlayerStopFilled, IconSend } from '@tabler/icons-react';
import { useState } from 'react';

interface Props {
  canSend: boolean;
  streaming: boolean;
  /** Why sending is not possible yet, shown instead of the shortcut hint. */
  blocked: string | null;
  onSend(text: string): Promise<boolean>;
  onStop(): void;
}

/** The message box: Ctrl/Cmd+Enter sends; while an answer streams the button stops it. */
export function Composer({ canSend, streaming, blocked, onSend, onStop }: Props) {
  const [text, setText] = useState('');
  const send = async () => {
    if (!canSend || streaming || !text.trim()) return;
    if (await onSend(text)) setText('');
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <Textarea
        name="message"
        placeholder="Send a message"
        autosize
        minRows={2}
        maxRows={8}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void send();
          }
        }}
        data-testid="playground-input"
      />
      <Group justify="space-between" mt="xs">
        <Text size="xs" c="dimmed">
          {blocked ?? (
            <>
              <Kbd size="xs">Ctrl</Kbd> + <Kbd size="xs">Enter</Kbd> to send
            </>
          )}
        </Text>
        {streaming ? (
          <Button color="red" variant="light" leftSection={<IconPlayerStopFilled size={14} />} onClick={onStop} data-testid="playground-stop">
            Stop
          </Button>
        ) : (
          <Button type="submit" disabled={!canSend || !text.trim()} leftSection={<IconSend size={14} />} data-testid="playground-send">
            Send
          </Button>
        )}
      </Group>
    </form>
  );
}
