import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

/** The unfolded detail under a table row, across every column. */
export function RowDetail({ colSpan, shaded, children }: { colSpan: number; /** Sets the detail apart from the rows around it. */ shaded?: boolean; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={colSpan} bg={shaded ? 'var(--mantine-color-default-hover)' : undefined}>
        {children}
      </Table.Td>
    </Table.Tr>
  );
}
