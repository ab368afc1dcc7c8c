import { EmptyState, Table } from '@mantine/core';
import type { ReactNode } from 'react';

/** The empty state of a table lives inside the table, so the columns still say what will appear. */
export function TableEmpty({ colSpan, icon, title, description, action }: { colSpan: number; icon: ReactNode; title: string; description?: ReactNode; action?: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={colSpan}>
        <EmptyState size="sm" py="lg" icon={icon} withIndicatorBackground title={title} description={description} data-testid="table-empty">
          {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
        </EmptyState>
      </Table.Td>
    </Table.Tr>
  );
}
