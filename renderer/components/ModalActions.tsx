import { Button, Group } from '@mantine/core';
import type { ReactNode } from 'react';

interface Props {
  onCancel(): void;
  /** Destructive confirmations say what cancelling keeps, e.g. "Keep it". */
  cancelLabel?: string;
  /** The submit button; each modal keeps its own label, colour, test id and rule for enabling it. */
  children: ReactNode;
}

/** A modal's footer: a quiet way out, then the action, on the right. */
export function ModalActions({ onCancel, cancelLabel = 'Cancel', children }: Props) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        {cancelLabel}
      </Button>
      {children}
    </Group>
  );
}
