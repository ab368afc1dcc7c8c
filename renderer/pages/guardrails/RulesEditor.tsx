import { ActionIcon, Button, Grid, Group, Paper, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { newRule, type RuleForm } from './form';

const DIRECTIONS = [
  { value: 'both', label: 'Input and output' },
  { value: 'input', label: 'Input (prompts)' },
  { value: 'output', label: 'Output (answers)' },
];
const ACTIONS = [
  { value: 'default', label: "Profile's action" },
  { value: 'redact', label: 'Redact' },
  { value: 'block', label: 'Block' },
];

interface Props {
  rules: RuleForm[];
  onChange(rules: RuleForm[]): void;
  /** Field errors from the channel, keyed "policy.rules.<i>.<field>". */
  errors: Record<string, string>;
}

/** Regex rules: each a pattern with where it applies and what it does. */
export function RulesEditor({ rules, onChange, errors }: Props) {
  const set = (i: number, patch: Partial<RuleForm>) => onChange(rules.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const err = (i: number, field: string) => errors[`policy.rules.${i}.${field}`];

  return (
    <Stack gap="xs">
      {rules.length === 0 && (
        <Text size="sm" c="dimmed">
          No regex rules. Add one for what PII detectors do not know, such as ticket numbers or internal host names.
        </Text>
      )}
      {rules.map((r, i) => (
        <Paper key={r.key} withBorder p="xs" data-testid={`rule-${i}`}>
          <Grid gap="xs" align="flex-start">
            <Grid.Col span={3}>
              <TextInput label="Name" size="xs" value={r.name} onChange={(e) => set(i, { name: e.currentTarget.value })} error={err(i, 'name')} name={`rule-${i}-name`} />
            </Grid.Col>
            <Grid.Col span={6}>
              <TextInput
                label="Pattern"
                description="JavaScript regular expression"
                size="xs"
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                value={r.pattern}
                onChange={(e) => set(i, { pattern: e.currentTarget.value })}
                error={err(i, 'pattern')}
                name={`rule-${i}-pattern`}
              />
            </Grid.Col>
            <Grid.Col span={2}>
              <TextInput label="Flags" description="i m s u" size="xs" value={r.flags} onChange={(e) => set(i, { flags: e.currentTarget.value })} error={err(i, 'flags')} name={`rule-${i}-flags`} />
            </Grid.Col>
            <Grid.Col span={1}>
              <Group justify="flex-end" pt={22}>
                <Tooltip label="Remove this rule">
                  <ActionIcon variant="subtle" color="red" aria-label={`Remove rule ${r.name || i + 1}`} onClick={() => onChange(rules.filter((_, k) => k !== i))}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Tooltip>
              </Group>
            </Grid.Col>
            <Grid.Col span={4}>
              <Select label="Applies to" size="xs" data={DIRECTIONS} value={r.direction} onChange={(v) => v && set(i, { direction: v as RuleForm['direction'] })} allowDeselect={false} />
            </Grid.Col>
            <Grid.Col span={4}>
              <Select label="Action" size="xs" data={ACTIONS} value={r.action} onChange={(v) => v && set(i, { action: v as RuleForm['action'] })} allowDeselect={false} data-testid={`rule-${i}-action`} />
            </Grid.Col>
            <Grid.Col span={4}>
              <TextInput label="Replacement" size="xs" value={r.replacement} onChange={(e) => set(i, { replacement: e.currentTarget.value })} error={err(i, 'replacement')} />
            </Grid.Col>
          </Grid>
        </Paper>
      ))}
      <Group>
        <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={() => onChange([...rules, newRule()])} data-testid="rule-add">
          Add rule
        </Button>
      </Group>
    </Stack>
  );
}
