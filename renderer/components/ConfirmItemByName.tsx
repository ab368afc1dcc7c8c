import { useState, type ReactNode } from 'react';
import { ConfirmByName } from './ConfirmByName';

interface Props<T extends { name: string }> {
  /** The list item to confirm; the dialog is open while it is set. */
  item: T | null;
  onClose(): void;
  /** "Delete", "Remove", "Revoke": the title reads "<verb> <name>". */
  verb: string;
  /** What will be lost, in plain words. */
  consequence(item: T): ReactNode;
  confirmLabel: string;
  onConfirm(item: T): Promise<void>;
}

/** ConfirmByName for one row of a list: the user types the item's own name. */
export function ConfirmItemByName<T extends { name: string }>({ item, onClose, verb, consequence, confirmLabel, onConfirm }: Props<T>) {
  // The last item stays on screen while the dialog fades out, so its title does not go blank mid-fade.
  const [shown, setShown] = useState(item);
  if (item && item !== shown) setShown(item);
  const subject = item ?? shown;
  return (
    <ConfirmByName
      opened={item !== null}
      onClose={onClose}
      title={`${verb} ${subject?.name ?? ''}`}
      name={subject?.name ?? ''}
      consequence={subject && consequence(subject)}
      confirmLabel={confirmLabel}
      onConfirm={async () => {
        if (item) await onConfirm(item);
      }}
    />
  );
}
