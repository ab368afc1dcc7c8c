import { Button, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState, type ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';
import { ModalActions } from './ModalActions';
import { useAction } from './useAction';

interface Props {
  opened: boolean;
  onClose(): void;
  title: string;
  /** The exact name the user must type. */
  name: string;
  /** What will be lost, in plain words. */
  consequence: ReactNode;
  confirmLabel: string;
  onConfirm(): Promise<void>;
}

/** Destructive actions confirm by typing the name, and say what will be lost (UI.md). */
export function ConfirmByName({ opened, onClose, title, name, consequence, confirmLabel, onConfirm }: Props) {
  const [typed, setTyped] = useState('');
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    if (opened) {
      setTyped('');
      setError(null);
    }
  }, [opened, setError]);

  const confirm = () =>
    run(async () => {
      await onConfirm();
      onClose();
    });

  return (
    <Modal opened={opened} onClose={onClose} title={title} data-testid="confirm-by-name">
      <Stack>
        <Text size="sm">{consequence}</Text>
        <TextInput
          label={
            <>
              Type <b>{name}</b> to confirm
            </>
          }
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          autoComplete="off"
          data-autofocus
          data-testid="confirm-name-input"
        />
        {error && <ErrorAlert error={error} />}
        <ModalActions onCancel={onClose} cancelLabel="Keep it">
          <Button color="red" disabled={typed !== name} loading={busy} onClick={confirm} data-testid="confirm-name-submit">
            {confirmLabel}
          </Button>
        </ModalActions>
      </Stack>
    </Modal>
  );
}
