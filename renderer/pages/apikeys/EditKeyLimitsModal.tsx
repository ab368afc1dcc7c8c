import { Button, Text } from '@mantine/core';
import { useEffect } from 'react';
import type { ApiKey } from '../../../main/core/access/api-keys';
import { call } from '../../client';
import { LimitFields } from '../../components/LimitFields';
import { FormModal } from '../../components/FormModal';
import { limitInputs, limitProblem, limitValues } from '../../components/limits';
import { useLimitValues } from '../../components/useLimitValues';
import { useAction } from '../../components/useAction';

const FIELDS = ['requestsPerMinute', 'tokensPerMinute', 'monthlyTokenBudget'] as const;

interface Props {
  apiKey: ApiKey | null;
  onClose(): void;
  onSaved(key: ApiKey): void;
}

/** A key's budget and rates, changed in place: the key keeps working and nothing is reissued. */
export function EditKeyLimitsModal({ apiKey, onClose, onSaved }: Props) {
  const { busy, error, setError, run } = useAction();
  const { values, setValues, change, errors } = useLimitValues(error);

  useEffect(() => {
    if (!apiKey) return;
    setValues(limitValues(apiKey));
    setError(null);
  }, [apiKey, setError]);

  const submit = async () => {
    if (!apiKey) return;
    await run(async () => {
      const saved = await call('apikeys:update', {
        keyId: apiKey.id,
        ...limitInputs(values),
      });
      onSaved(saved);
      onClose();
    });
  };

  return (
    <FormModal
      opened={apiKey !== null}
      onClose={onClose}
      title={`Limits of ${apiKey?.name ?? ''}`}
      size="lg"
      testId="key-limits-form"
      onSubmit={submit}
      error={error}
      actions={
        <Button type="submit" loading={busy} disabled={FIELDS.some((f) => limitProblem(values[f]) !== null)} data-testid="key-limits-submit">
          Save limits
        </Button>
      }
    >
      <Text size="sm" c="dimmed">
        The key keeps working; synced gateways apply the new limits within seconds. The project's own limits still apply on top.
      </Text>
      <LimitFields
        fields={FIELDS}
        values={values}
        onChange={change}
        scope="this key"
        errors={errors}
        testIdPrefix="key-limit"
      />
    </FormModal>
  );
}
