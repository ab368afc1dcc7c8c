import { ActionIcon, Code, Table, Text, Tooltip } from '@mantine/core';
import { IconChevronDown, IconChevronRight, IconListCheck } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import type { AuditRecord } from '../../../main/core/audit/chain';
import { RowDetail } from '../../components/RowDetail';
import { TableEmpty } from '../../components/TableEmpty';
import { Time } from '../../components/Time';

/** One line of details, for scanning; the full record unfolds below the row. */
function summary(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

export function AuditTable({ records }: { records: AuditRecord[] }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const toggle = (seq: number) =>
    setOpen((s) => {
      const next = new Set(s);
      if (!next.delete(seq)) next.add(seq);
      return next;
    });

  return (
    <Table.ScrollContainer minWidth={960}>
      <Table data-testid="audit-table" layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={36} />
            <Table.Th w={70}>Seq</Table.Th>
            <Table.Th w={190}>Time</Table.Th>
            <Table.Th w={120}>Actor</Table.Th>
            <Table.Th w={180}>Action</Table.Th>
            <Table.Th w={140}>Target</Table.Th>
            <Table.Th>Details</Table.Th>
            <Table.Th w={110}>Hash</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {records.length === 0 && <TableEmpty colSpan={8} icon={<IconListCheck size={22} />} title="No audit records" description="Every change made through Foundry is recorded here." />}
          {records.map((r) => {
            const expanded = open.has(r.seq);
            return (
              <Fragment key={r.seq}>
                <Table.Tr data-testid="audit-row" data-action={r.action} onClick={() => toggle(r.seq)} style={{ cursor: 'pointer' }}>
                  <Table.Td>
                    <ActionIcon variant="subtle" color="gray" size="sm" aria-label={expanded ? 'Fold record' : 'Unfold record'}>
                      {expanded ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                    </ActionIcon>
                  </Table.Td>
                  <Table.Td>{r.seq}</Table.Td>
                  <Table.Td>
                    <Time iso={r.at} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" truncate>
                      {r.actor}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Code>{r.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" truncate title={r.target ?? undefined}>
                      {r.target ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed" truncate ff="monospace">
                      {summary(r.details)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Tooltip label={r.hash} maw={360} multiline>
                      <Code>{r.hash.slice(0, 10)}</Code>
                    </Tooltip>
                  </Table.Td>
                </Table.Tr>
                {expanded && (
                  <RowDetail colSpan={8}>
                    <Code block data-testid="audit-record-json">
                      {JSON.stringify(r, null, 2)}
                    </Code>
                  </RowDetail>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
