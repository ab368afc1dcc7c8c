import { ActionIcon, Menu } from '@mantine/core';
import { IconDots } from '@tabler/icons-react';
import type { ReactNode } from 'react';

interface Props {
  /** The row's name: the button is announced as "Actions for <name>". */
  name: string;
  testId?: string;
  /** Spins while an action started from this row still runs. */
  loading?: boolean;
  /**
   * In the primary colour instead of grey, where the menu is the row's only way to act (clusters:
   * every role checks from it), so it should not look disabled.
   */
  prominent?: boolean;
  /** The Menu.Item entries; each row keeps its own labels, icons and test ids. */
  children: ReactNode;
}

/** The "…" button at the end of a table row and the menu it opens. */
export function RowActionsMenu({ name, testId, loading, prominent, children }: Props) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color={prominent ? undefined : 'gray'} aria-label={`Actions for ${name}`} loading={loading} data-testid={testId}>
          <IconDots size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>{children}</Menu.Dropdown>
    </Menu>
  );
}
