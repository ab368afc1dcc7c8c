import { Badge, Loader, Table, Text } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useCallback } from 'react';
import type { OptimizerRunSummary } from '../../../main/core/optimizer/service';
import { DataTable } from '../../components/DataTable';
import { Time } from '../../components/Time';
import { planSummary, runAsk } from './format';
import { SelectableRow } from '../../components/SelectableRow';


type Key = 'name' | 'model' | 'recommended' | 'createdBy' | 'createdAt';

interface Props {
  runs: OptimizerRunSummary[];
  /** The run being opened, if any. */
  opening: string | null;
  currentId: string | undefined;
  onOpen(run: OptimizerRunSummary): void;
}

/** Runs are kept so a plan can be compared later with what its deployment measures. */
export function SavedRuns({ runs, opening, currentId, onOpen }: Props) {
  const pick = useCallback((r: OptimizerRunSummary, k: Key) => (k === 'recommended' ? (r.recommended?.costPerHour ?? null) : r[k]), []);
  return (
    <DataTable
      minWidth={900}
      testId="saved-runs"
      layout="fixed"
      columns={[
        { sortKey: 'name', label: 'Name' },
        { sortKey: 'model', label: 'Model', w: 210 },
        { sortKey: 'recommended', label: 'Recommended', w: 290 },
        { sortKey: 'createdBy', label: 'By', w: 80 },
        { sortKey: 'createdAt', label: 'When', w: 190 },
      ]}
      rows={runs}
      initialSort={{ key: 'createdAt', dir: 'desc' }}
      pick={pick}
      empty={{
        icon: <IconHistory size={22} />,
        title: 'No saved runs',
        description: 'Every optimizer run is saved here with its inputs and full result.',
      }}
      row={(r) => (
        <SelectableRow key={r.id} data-testid="saved-run-row" selected={r.id === currentId} onSelect={() => onOpen(r)}>
          <Table.Td>
            <Text size="sm" lineClamp={2} title={r.name}>
              {opening === r.id && <Loader size={12} mr={6} />}
              {r.name}
            </Text>
            {r.workload && (
              <Text size="xs" c="dimmed" data-testid="saved-run-ask" truncate>
                {runAsk(r)}
              </Text>
            )}
            {r.measured > 0 && (
              <Badge size="xs" variant="light" mt={2} data-testid="saved-run-measured" title="Measurements of deployed plans recorded against this run">
                {r.measured} measured
              </Badge>
            )}
          </Table.Td>
          <Table.Td>
            <Text size="sm" truncate title={r.model}>
              {r.model.split('/').pop()}
            </Text>
          </Table.Td>
          <Table.Td>
            <Text size="xs" lineClamp={2} c={r.recommended ? undefined : 'dimmed'} ff={r.recommended ? 'monospace' : undefined} title={r.recommended ? planSummary(r.recommended) : undefined}>
              {r.recommended ? planSummary(r.recommended) : 'no plan met the SLOs'}
            </Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm" truncate>
              {r.createdBy}
            </Text>
          </Table.Td>
          <Table.Td>
            <Time iso={r.createdAt} />
          </Table.Td>
        </SelectableRow>
      )}
    />
  );
}
