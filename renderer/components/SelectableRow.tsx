import { Table, type TableTrProps } from '@mantine/core';

/** A table row that opens or selects something on click, highlighted while it is the selected one. */
export function SelectableRow({ selected, onSelect, ...rest }: TableTrProps & { selected: boolean; onSelect: () => void } & Record<`data-${string}`, string | undefined>) {
  return <Table.Tr onClick={onSelect} style={{ cursor: 'pointer' }} bg={selected ? 'var(--mantine-primary-color-light)' : undefined} {...rest} />;
}
