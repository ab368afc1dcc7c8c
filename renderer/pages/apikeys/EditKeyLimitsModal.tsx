import { Button, Modal, Stack, Text } from '@mantine/core';
import { useEffect, type FormEvent } from 'react';
import type { ApiKey } from '../../../main/core/access/api-keys';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LimitFields } from '../../components/LimitFields';
import { ModalActions } from '../../components/ModalActions';
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

  const submit = async (e: FormEvent) => {
    e.preventDefault();
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
    <Modal opened={apiKey !== null} onClose={onClose} title={`Limits of ${apiKey?.name ?? ''}`} size="lg" data-testid="key-limits-form">
      <form onSubmit={submit}>
        <Stack gap="sm">
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
          {error && <ErrorAlert error={error} />}
          <ModalActions onCancel={onClose}>
            <Button type="submit" loading={busy} disabled={FIELDS.some((f) => limitProblem(values[f]) !== null)} data-testid="key-limits-submit">
              Save limits
            </Button>
          </ModalActions>
        </Stack>
      </form>
    </Modal>
  );
}
