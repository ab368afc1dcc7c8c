import { Alert, Button, PasswordInput, Text } from '@mantine/core';
import type { ClusterSummary, LimitsStoreResult } from '../../../main/core/clusters/types';
import { call } from '../../client';
import { FormModal } from '../../components/FormModal';
import { useAction } from '../../components/useAction';
import { useModalForm } from '../../components/useModalForm';
import { LIMITS_STORE_HELP, limitsStoreWording } from './format';

interface Props {
  cluster: ClusterSummary | null;
  onClose(): void;
  onSaved(r: LimitsStoreResult): void;
}

/** Sets, replaces or clears a cluster's Redis limits store. The URL is write-only: the field always opens empty. */
export function LimitsStoreModal({ cluster, onClose, onSaved }: Props) {
  const { busy, error, setError, run } = useAction();
  const [form, setForm] = useModalForm(cluster !== null, cluster?.id, () => ({ url: '' }), () => setError(null));
  const url = form.url;
  const setUrl = (value: string) => setForm({ url: value });

  if (!cluster) return null;
  const current = cluster.limitsStore;
  const wording = limitsStoreWording(current);

  const save = () =>
    run(async () => {
      onSaved(await call('clusters:setLimitsStore', { clusterId: cluster.id, redisUrl: url }));
      onClose();
    });
  const clear = () =>
    run(async () => {
      onSaved(await call('clusters:clearLimitsStore', { clusterId: cluster.id }));
      onClose();
    });

  return (
    <FormModal
      opened
      onClose={onClose}
      title={`Limits store of ${cluster.name}`}
      size="lg"
      testId="limits-store-form"
      onSubmit={save}
      autoComplete="off"
      // A refused URL is the field's own error; anything else (vault, cluster) goes in the alert.
      error={error?.code === 'INVALID_INPUT' ? null : error}
      actions={
        <>
          {current && (
            <Button color="red" variant="light" onClick={() => void clear()} loading={busy} data-testid="limits-store-clear">
              Clear store
            </Button>
          )}
          <Button type="submit" loading={busy} disabled={!url.trim()} data-testid="limits-store-save">
            {current ? 'Replace URL' : 'Save'}
          </Button>
        </>
      }
    >
      <Alert color={wording.color} variant="light" data-testid="limits-store-sentence">
        {wording.sentence}
      </Alert>
      <PasswordInput
        label={current ? 'New Redis URL' : 'Redis URL'}
        description={LIMITS_STORE_HELP.url}
        placeholder={current ? 'stored — enter a new URL to replace it' : 'redis://:password@redis.foundry-system.svc:6379'}
        required
        value={url}
        onChange={(e) => setUrl(e.currentTarget.value)}
        error={error?.code === 'INVALID_INPUT' ? `${error.message}${error.hint ? ` ${error.hint}` : ''}` : undefined}
        name="redisUrl"
        data-autofocus
      />
      {current && (
        <Text size="xs" c="dimmed">
          {LIMITS_STORE_HELP.replace} {LIMITS_STORE_HELP.clear}
        </Text>
      )}
    </FormModal>
  );
}
