import { Badge, Button, Collapse, Group, Paper, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { useMemo } from 'react';
import type { Rejected } from '../../../optimizer/src/search';
import { countKinds, groupRejected } from './rejected';

const SHOW_OPTIONS = 2;

/** Every option the search turned down, folded by default; identical reasons are one row with a count. */
export function RejectedSection({ rejected }: { rejected: Rejected[] }) {
  const [open, { toggle }] = useDisclosure(false);
  const groups = useMemo(() => groupRejected(rejected), [rejected]);
  const kinds = useMemo(() => countKinds(rejected), [rejected]);

  return (
    <Paper withBorder p="xs" data-testid="optimizer-rejected">
      <Group gap="xs" wrap="wrap">
        <Button size="xs" variant="subtle" color="gray" leftSection={open ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />} onClick={toggle} data-testid="rejected-toggle">
          Rejected ({rejected.length})
        </Button>
        {kinds.map((k) => (
          <Badge key={k.kind} size="sm" color="gray" variant="outline">
            {k.kind} · {k.count}
          </Badge>
        ))}
      </Group>
      <Collapse expanded={open}>
        <Text size="xs" c="dimmed" mt="xs" px="xs">
          Plans that miss an SLO or need more GPUs than the cluster has also appear in the plans table under “All predicted”.
        </Text>
        <Table fz="xs" mt={4} layout="fixed" verticalSpacing={4} data-testid="rejected-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Reason</Table.Th>
              <Table.Th w={180}>Kind</Table.Th>
              <Table.Th w={60} ta="right">
                Count
              </Table.Th>
              <Table.Th w={340}>Options</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {groups.map((g) => {
              const more = g.options.length - SHOW_OPTIONS;
              return (
                <Table.Tr key={g.reason} data-testid="rejected-row">
                  <Table.Td>{g.reason}</Table.Td>
                  <Table.Td c="dimmed">{g.kind}</Table.Td>
                  <Table.Td ta="right">{g.count}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" truncate>
                      {g.options.slice(0, SHOW_OPTIONS).join(', ')}
                    </Text>
                    {more > 0 && (
                      <Tooltip label={g.options.slice(0, 40).join('\n')} multiline maw={360} style={{ whiteSpace: 'pre-line' }}>
                        <Text size="xs" c="dimmed" span style={{ cursor: 'help' }}>
                          and {more} more
                        </Text>
                      </Tooltip>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Collapse>
    </Paper>
  );
}
