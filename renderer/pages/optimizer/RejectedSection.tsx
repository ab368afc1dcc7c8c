import { ActionIcon, Button, Collapse, Group, Paper, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { Fragment, useMemo, useState } from 'react';
import type { Rejected } from '../../../optimizer/src/search';
import { groupByKind, type ReasonGroup } from './rejected';

const SHOW_OPTIONS = 2;

function Options({ group }: { group: ReasonGroup }) {
  const more = group.options.length - SHOW_OPTIONS;
  return (
    <Group gap={4} wrap="nowrap">
      <Text size="xs" ff="monospace" truncate>
        {group.options.slice(0, SHOW_OPTIONS).join(', ')}
      </Text>
      {more > 0 && (
        <Tooltip label={group.options.slice(0, 40).join('\n')} multiline maw={360} style={{ whiteSpace: 'pre-line' }}>
          <Text size="xs" c="dimmed" span style={{ cursor: 'help', whiteSpace: 'nowrap' }}>
            +{more} more
          </Text>
        </Tooltip>
      )}
    </Group>
  );
}

/**
 * Every option the search turned down, folded by default: one row per kind of reason with its count,
 * unfolding into the identical reasons (with their own counts) and the options each one rejected.
 */
export function RejectedSection({ rejected }: { rejected: Rejected[] }) {
  const [open, { toggle }] = useDisclosure(false);
  const kinds = useMemo(() => groupByKind(rejected), [rejected]);
  const [unfolded, setUnfolded] = useState<ReadonlySet<string>>(new Set());
  const flip = (kind: string) =>
    setUnfolded((s) => {
      const next = new Set(s);
      if (!next.delete(kind)) next.add(kind);
      return next;
    });

  return (
    <Paper withBorder p="xs" data-testid="optimizer-rejected">
      <Group gap="xs" justify="space-between">
        <Button size="xs" variant="subtle" color="gray" leftSection={open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />} onClick={toggle} data-testid="rejected-toggle">
          Rejected ({rejected.length})
        </Button>
        <Text size="xs" c="dimmed" truncate>
          {kinds.map((k) => `${k.kind} ${k.count}`).join(' · ')}
        </Text>
      </Group>
      <Collapse expanded={open}>
        <Text size="xs" c="dimmed" mt="xs" px="xs">
          Plans that miss an SLO or need more GPUs than the cluster has are also in the plans table under “All predicted”.
        </Text>
        <Table fz="xs" mt={4} layout="fixed" verticalSpacing={4} data-testid="rejected-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={28} />
              <Table.Th>Reason</Table.Th>
              <Table.Th w={60} ta="right">
                Count
              </Table.Th>
              <Table.Th w={360}>Example · options</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {kinds.map((k) => {
              const expanded = unfolded.has(k.kind);
              return (
                <Fragment key={k.kind}>
                  <Table.Tr data-testid="rejected-row" onClick={() => flip(k.kind)} style={{ cursor: 'pointer' }}>
                    <Table.Td>
                      <ActionIcon variant="subtle" color="gray" size="xs" aria-label={expanded ? 'Fold reasons' : 'Unfold reasons'}>
                        {expanded ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
                      </ActionIcon>
                    </Table.Td>
                    <Table.Td fw={600}>
                      {k.kind}
                      <Text span size="xs" c="dimmed" fw={400}>
                        {' '}
                        · {k.reasons.length === 1 ? 'one reason' : `${k.reasons.length} distinct reasons`}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" fw={600}>
                      {k.count}
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" c="dimmed" truncate>
                        e.g. {k.reasons[0]!.reason}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                  {expanded &&
                    k.reasons.map((g) => (
                      <Table.Tr key={g.reason} data-testid="rejected-reason">
                        <Table.Td />
                        <Table.Td pl="md">{g.reason}</Table.Td>
                        <Table.Td ta="right">{g.count}</Table.Td>
                        <Table.Td>
                          <Options group={g} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                </Fragment>
              );
            })}
          </Table.Tbody>
        </Table>
      </Collapse>
    </Paper>
  );
}
