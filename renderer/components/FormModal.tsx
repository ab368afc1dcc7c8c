import { Group, Modal, Stack, Text, type MantineSize } from '@mantine/core';
import type { ReactNode } from 'react';
import type { ClientError } from '../client';
import { ErrorAlert } from './ErrorAlert';
import { ModalActions } from './ModalActions';

interface Props {
  opened: boolean;
  onClose(): void;
  title: string;
  size?: MantineSize;
  testId?: string;
  /** Enter in a field or the submit button; the page itself never reloads. */
  onSubmit(): void | Promise<void>;
  /** Forms that take secrets or URLs keep the browser's autofill out of them. */
  autoComplete?: 'off';
  gap?: MantineSize;
  /** Why the last submit failed, shown right above the buttons where the user looks next. */
  error?: ClientError | null;
  errorTitle?: string;
  /** A quiet line beside the buttons: what saving also sets off (a resync, a schema check). */
  note?: ReactNode;
  /** Caps the note's width so it wraps before it crowds the buttons. */
  noteWidth?: number;
  /** The submit button (type="submit") and any other action, right of Cancel. */
  actions: ReactNode;
  /** The fields. */
  children: ReactNode;
}

/** A dialog that is one form: fields, then the failure if any, then Cancel and the action. */
export function FormModal({ opened, onClose, title, size, testId, onSubmit, autoComplete, gap = 'sm', error, errorTitle, note, noteWidth, actions, children }: Props) {
  const buttons = <ModalActions onCancel={onClose}>{actions}</ModalActions>;
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size} data-testid={testId}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void onSubmit();
        }}
        autoComplete={autoComplete}
      >
        <Stack gap={gap}>
          {children}
          {error && <ErrorAlert error={error} title={errorTitle} />}
          {note ? (
            <Group justify="space-between">
              <Text size="xs" c="dimmed" maw={noteWidth}>
                {note}
              </Text>
              {buttons}
            </Group>
          ) : (
            buttons
          )}
        </Stack>
      </form>
    </Modal>
  );
}
