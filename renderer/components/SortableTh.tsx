import { Center, Group, Table, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconChevronUp, IconSelector } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { SortState } from './sort';

interface Props<K extends string> {
  column: K;
  sort: SortState<K>;
  onSort(key: K): void;
  children: ReactNode;
  w?: number | string;
  /** Right-aligns the header over a numeric column. */
  align?: 'left' | 'right';
}

export function SortableTh<K extends string>({ column, sort, onSort, children, w, align }: Props<K>) {
  const active = sort.key === column;
  const Icon = active ? (sort.dir === 'asc' ? IconChevronUp : IconChevronDown) : IconSelector;
  return (
    <Table.Th w={w} ta={align} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton onClick={() => onSort(column)} data-testid={`sort-${column}`}>
        <Group gap={4} wrap="nowrap">
          <Text fw={600} size="sm">
            {children}
          </Text>
          <Center>
            <Icon size={14} stroke={1.5} />
          </Center>
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}
