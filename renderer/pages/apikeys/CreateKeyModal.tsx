import { Button, Group, Modal, NumberInput, Stack, TagsInput, TextInput } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import type { ApiKey } from '../../../main/core/access/api-keys';
import type { Project } from '../../../main/core/access/projects';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ModalActions } from '../../components/ModalActions';
import { localInputToIso } from '../../components/format';
import { useAction } from '../../components/useAction';
import { LimitFields } from '../../components/LimitFields';
import { byTopField, fieldErrors } from '../../components/field-errors';
import { limitInput, limitProblem, type LimitField, type LimitValue } from '../../components/limits';

const RATES = ['requestsPerMinute', 'tokensPerMinute'] as const;

const NAME_RULE = 'Use 1–60 letters, digits, spaces, dots, dashes or underscores.';
const KEY_NAME = /^[\w .-]{1,60}$/;

interface Props {
  project: Project;
  opened: boolean;
  onClose(): void;
  onCreated(created: { key: ApiKey; secret: string }): void;
}

export function CreateKeyModal({ project, opened, onClose, onCreated }: Props) {
  const [name, setName] = useState('');
  const [models, setModels] = useState<string[]>(['*']);
  const [budget, setBudget] = useState<number | string>('');
  const [expiry, setExpiry] = useState('');
  const [rates, setRates] = useState<Partial<Record<LimitField, LimitValue>>>({});
  const { busy, error, setError, run } = useAction();
  const errors = fieldErrors(error, byTopField);

  useEffect(() => {
    if (!opened) return;
    setName('');
    setModels(['*']);
    setBudget('');
    setExpiry('');
    setRates({});
    setError(null);
  }, [opened, setError]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      const created = await call('apikeys:create', {
        projectId: project.id,
        name: name.trim(),
        allowedModels: models.length ? models : ['*'],
        monthlyTokenBudget: limitInput(budget),
        requestsPerMinute: limitInput(rates.requestsPerMinute ?? ''),
        tokensPerMinute: limitInput(rates.tokensPerMinute ?? ''),
        expiresAt: localInputToIso(expiry),
      });
      onCreated(created);
      onClose();
    });
  };

  return (
    <Modal opened={opened} onClose={onClose} title={`New API key for ${project.name}`} size="lg" data-testid="create-key-form">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput
            label="Name"
            description={NAME_RULE}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={name && !KEY_NAME.test(name.trim()) ? NAME_RULE : undefined}
            data-autofocus
            name="keyName"
          />
          <TagsInput
            label="Allowed models"
            description="* allows every model; otherwise list model names. Press Enter after each."
            value={models}
            onChange={setModels}
            clearable
            data-testid="key-models"
          />
          <Group grow align="flex-start">
            <NumberInput
              label="Monthly token budget"
              description="Empty means no limit."
              placeholder="No limit"
              min={1}
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator=","
              value={budget}
              onChange={setBudget}
              error={errors.monthlyTokenBudget ?? limitProblem(budget) ?? undefined}
              name="budget"
            />
            <TextInput
              type="datetime-local"
              label="Expires"
              description="Empty means never; your local time."
              value={expiry}
              onChange={(e) => setExpiry(e.currentTarget.value)}
              name="expiry"
            />
          </Group>
          <LimitFields fields={RATES} values={rates} onChange={(f, v) => setRates((prev) => ({ ...prev, [f]: v }))} scope="this key" errors={errors} testIdPrefix="key-limit" />
          {error && <ErrorAlert error={error} />}
          <ModalActions onCancel={onClose}>
            <Button type="submit" loading={busy} disabled={!KEY_NAME.test(name.trim()) || [budget, ...RATES.map((f) => rates[f] ?? '')].some((v) => limitProblem(v) !== null)} data-testid="create-key-submit">
              Create key
            </Button>
          </ModalActions>
        </Stack>
      </form>
    </Modal>
  );
}
