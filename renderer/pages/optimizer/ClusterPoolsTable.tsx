import { ActionIcon, Button, Group, NumberInput, Select, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { OptimizerCatalog } from '../../../main/core/optimizer/service';
import { toNum, type FormErrors } from './form';
import { formatUsd } from './format';
import { useOptimizer } from './state';

type Gpu = OptimizerCatalog['gpus'][number];

function GpuOption({ gpu }: { gpu: Gpu }) {
  return (
    <div>
      <Text size="sm">{gpu.name}</Text>
      <Text size="xs" c="dimmed">
        {gpu.memoryGB} GB · {gpu.bandwidthTBs} TB/s · {formatUsd(gpu.pricePerGpuHour)}/GPU-h{gpu.unverified.length ? ' · some specs unverified' : ''}
      </Text>
    </div>
  );
}

/** Clusters × GPU pools: one row per pool; rows that share a cluster name are one cluster. */
export function ClusterPoolsTable({ gpus, errors }: { gpus: Gpu[]; errors: FormErrors }) {
  const pools = useOptimizer((s) => s.form.pools);
  const setPool = useOptimizer((s) => s.setPool);
  const addPool = useOptimizer((s) => s.addPool);
  const removePool = useOptimizer((s) => s.removePool);
  const byId = new Map(gpus.map((g) => [g.id, g]));
  const data = gpus.map((g) => ({ value: g.id, label: `${g.name} · ${g.memoryGB} GB` }));

  return (
    <div>
      <Table withRowBorders={false} verticalSpacing={4} highlightOnHover={false} data-testid="optimizer-pools" layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={200}>Cluster</Table.Th>
            <Table.Th>GPU</Table.Th>
            <Table.Th w={110}>Count</Table.Th>
            <Table.Th w={150}>$ / GPU-hour</Table.Th>
            <Table.Th w={40} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {pools.map((p, i) => {
            const err = (f: string) => errors[`pools.${p.key}.${f}`];
            const catalogPrice = p.gpu ? byId.get(p.gpu)?.pricePerGpuHour : undefined;
            return (
              <Table.Tr key={p.key} data-testid="pool-row" style={{ verticalAlign: 'top' }}>
                <Table.Td>
                  <TextInput size="xs" aria-label={`Cluster of pool ${i + 1}`} name={`pool-cluster-${i}`} value={p.cluster} error={err('cluster')} onChange={(e) => setPool(p.key, { cluster: e.currentTarget.value })} />
                </Table.Td>
                <Table.Td>
                  <Select
                    size="xs"
                    aria-label={`GPU of pool ${i + 1}`}
                    data-testid={`pool-gpu-${i}`}
                    placeholder="Choose a GPU"
                    data={data}
                    value={p.gpu}
                    onChange={(v) => setPool(p.key, { gpu: v })}
                    searchable
                    nothingFoundMessage="No GPU by that name"
                    error={err('gpu')}
                    renderOption={({ option }) => {
                      const gpu = byId.get(option.value);
                      return gpu ? <GpuOption gpu={gpu} /> : option.label;
                    }}
                    comboboxProps={{ width: 340, position: 'bottom-start' }}
                  />
                </Table.Td>
                <Table.Td>
                  <NumberInput size="xs" aria-label={`GPU count of pool ${i + 1}`} name={`pool-count-${i}`} min={1} allowDecimal={false} value={p.count} error={err('count')} onChange={(v) => setPool(p.key, { count: toNum(v) })} />
                </Table.Td>
                <Table.Td>
                  <NumberInput
                    size="xs"
                    aria-label={`Price per GPU-hour of pool ${i + 1}`}
                    name={`pool-price-${i}`}
                    min={0}
                    decimalScale={2}
                    prefix="$"
                    hideControls
                    placeholder={catalogPrice === undefined ? 'catalog price' : `${formatUsd(catalogPrice)} (catalog)`}
                    value={p.price}
                    error={err('price')}
                    onChange={(v) => setPool(p.key, { price: toNum(v) })}
                  />
                </Table.Td>
                <Table.Td>
                  <Tooltip label="Remove this pool">
                    <ActionIcon variant="subtle" color="gray" aria-label={`Remove pool ${i + 1}`} disabled={pools.length === 1} onClick={() => removePool(p.key)} mt={2}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Tooltip>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Group justify="space-between" mt={4} wrap="nowrap">
        <Button size="xs" variant="subtle" leftSection={<IconPlus size={14} />} onClick={addPool} data-testid="pool-add">
          Add GPU pool
        </Button>
        <Text size="xs" c="dimmed">
          Clusters will be filled from the fleet once clusters are onboarded; until then, name them here.
        </Text>
      </Group>
      {errors.pools && (
        <Text size="xs" c="red" mt={4}>
          {errors.pools}
        </Text>
      )}
    </div>
  );
}
