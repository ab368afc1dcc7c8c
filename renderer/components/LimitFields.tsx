import { Group, NumberInput } from '@mantine/core';
import { limitProblem, type LimitField, type LimitValue } from './limits';

const LABELS: Record<LimitField, string> = { requestsPerMinute: 'Requests / minute', tokensPerMinute: 'Tokens / minute', monthlyTokenBudget: 'Token budget / month' };

interface Props {
  fields: readonly LimitField[];
  values: Partial<Record<LimitField, LimitValue>>;
  onChange(field: LimitField, value: LimitValue): void;
  /** Who shares the limit, for the descriptions: "the whole project", "this key", "every caller of this model". */
  scope: string;
  /** The core's verdicts by field (they go away once the field is edited). */
  errors?: Record<string, string>;
  disabled?: boolean;
  testIdPrefix: string;
}

/** Limit inputs for a form: whole numbers only, empty means no limit; the core judges the range. */
export function LimitFields({ fields, values, onChange, scope, errors = {}, disabled, testIdPrefix }: Props) {
  return (
    <Group grow align="flex-start">
      {fields.map((f) => {
        const value = values[f] ?? '';
        return (
          <NumberInput
            key={f}
            label={LABELS[f]}
            description={f === 'monthlyTokenBudget' ? `For ${scope}, per calendar month (UTC). Empty: no limit.` : `For ${scope}. Empty: no limit.`}
            placeholder="No limit"
            min={1}
            allowDecimal={false}
            allowNegative={false}
            thousandSeparator=","
            value={value}
            onChange={(v) => onChange(f, v)}
            error={errors[f] ?? limitProblem(value) ?? undefined}
            disabled={disabled}
            name={f}
            data-testid={`${testIdPrefix}-${f}`}
          />
        );
      })}
    </Group>
  );
}
