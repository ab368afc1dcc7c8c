import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

interface Props {
  /** Below this width the table scrolls sideways rather than squeezing its columns unreadable. */
  minWidth: number;
  testId: string;
  /** The header cells (Table.Th, SortableTh). */
  head: ReactNode;
  /** The only row while there is nothing to list: a TableEmpty, or false when there are rows. */
  empty: ReactNode;
  /** Fixed layout keeps the header's widths whatever the cells hold (long names are clamped instead). */
  layout?: 'fixed';
  /** The rows. */
  children: ReactNode;
}

/** A list page's table: scrolls sideways when narrow, with its empty state inside so the columns still show. */
export function DataTable({ minWidth, testId, head, empty, layout, children }: Props) {
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table data-testid={testId} layout={layout}>
        <Table.Thead>
          <Table.Tr>{head}</Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {empty}
          {children}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
