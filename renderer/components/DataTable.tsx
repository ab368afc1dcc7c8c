import { Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { SortableTh } from './SortableTh';
import { TableEmpty } from './TableEmpty';
import { useSort, type Sortable, type SortState } from './sort';

export interface Column<K extends string> {
  /** Clicking the header sorts by this key; absent where sorting would mean nothing. */
  sortKey?: K;
  /** Absent for the row-actions column, which has no heading. */
  label?: ReactNode;
  w?: number;
}

interface Props<T, K extends string> {
  /** Below this width the table scrolls sideways rather than squeezing its columns unreadable. */
  minWidth: number;
  testId: string;
  /** Fixed layout keeps the header's widths whatever the cells hold (long names are clamped instead). */
  layout?: 'fixed';
  columns: Column<K>[];
  rows: readonly T[];
  initialSort: SortState<K>;
  /** The value a row sorts by in a column; keep it stable (useCallback) so sorting is not redone each render. */
  pick(row: T, key: K): Sortable;
  /** What the table is for and how to fill it, shown inside the table while it has no rows. */
  empty: { icon: ReactNode; title: string; description?: ReactNode; action?: ReactNode };
  /** One row (a Table.Tr or SelectableRow with its key). */
  row(item: T): ReactNode;
}

/** A list page's sortable table, scrolling sideways when narrow, with its empty state inside so the columns still show. */
export function DataTable<T, K extends string>({ minWidth, testId, layout, columns, rows, initialSort, pick, empty, row }: Props<T, K>) {
  const { sorted, sort, toggle } = useSort(rows, initialSort, pick);
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table data-testid={testId} layout={layout}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c, i) =>
              c.sortKey ? (
                <SortableTh key={c.sortKey} column={c.sortKey} sort={sort} onSort={toggle} w={c.w}>
                  {c.label}
                </SortableTh>
              ) : (
                <Table.Th key={i} w={c.w}>
                  {c.label}
                </Table.Th>
              ),
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.length === 0 && <TableEmpty colSpan={columns.length} {...empty} />}
          {sorted.map(row)}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
