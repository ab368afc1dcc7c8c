import { Button, Group, NumberInput, TagsInput, TextInput } from '@mantine/core';
import type { ApiKey } from '../../../main/core/access/api-keys';
import type { Project } from '../../../main/core/access/projects';
import { call } from '../../client';
import { FormModal } from '../../components/FormModal';
import { localInputToIso } from '../../components/format';
import { useAction } from '../../components/useAction';
import { useModalForm } from '../../components/useModalForm';
import { LimitFields } from '../../components/LimitFields';
import { byTopField, fieldErrors } from '../../components/field-errors';
import { limitInput, limitProblem, type LimitField, type LimitValue } from '../../components/limits';

const RATES = ['requestsPerMinute', 'tokensPerMinute'] as const;

const NAME_RULE = 'Use 1–60 letters, digits, spaces, dots, dashes or underscores.';
const KEY_NAME = /^[\w .-]{1,60}$/;

interface KeyForm {
  name: string;
  models: string[];
  budget: number | string;
  expiry: string;
  rates: Partial<Record<LimitField, LimitValue>>;
}

const EMPTY: KeyForm = { name: '', models: ['*'], budget: '', expiry: '', rates: {} };

interface Props {
  project: Project;
  opened: boolean;
  onClose(): void;
  onCreated(created: { key: ApiKey; secret: string }): void;
}

export function CreateKeyModal({ project, opened, onClose, onCreated }: Props) {
  const { busy, error, setError, run } = useAction();
  const [form, set] = useModalForm(opened, null, () => EMPTY, () => setError(null));
  const { name, models, budget, expiry, rates } = form;
  const errors = fieldErrors(error, byTopField);

  const submit = () =>
    run(async () => {
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

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={`New API key for ${project.name}`}
      size="lg"
      testId="create-key-form"
      onSubmit={submit}
      error={error}
      actions={
        <Button type="submit" loading={busy} disabled={!KEY_NAME.test(name.trim()) || [budget, ...RATES.map((f) => rates[f] ?? '')].some((v) => limitProblem(v) !== null)} data-testid="create-key-submit">
          Create key
        </Button>
      }
    >
      <TextInput
        label="Name"
        description={NAME_RULE}
        required
        value={name}
        onChange={(e) => set({ name: e.currentTarget.value })}
        error={name && !KEY_NAME.test(name.trim()) ? NAME_RULE : undefined}
        data-autofocus
        name="keyName"
      />
      <TagsInput
        label="Allowed models"
        description="* allows every model; otherwise list model names. Press Enter after each."
        value={models}
        onChange={(v) => set({ models: v })}
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
          onChange={(v) => set({ budget: v })}
          error={errors.monthlyTokenBudget ?? limitProblem(budget) ?? undefined}
          name="budget"
        />
        <TextInput
          type="datetime-local"
          label="Expires"
          description="Empty means never; your local time."
          value={expiry}
          onChange={(e) => set({ expiry: e.currentTarget.value })}
          name="expiry"
        />
      </Group>
      <LimitFields fields={RATES} values={rates} onChange={(f, v) => set({ rates: { ...rates, [f]: v } })} scope="this key" errors={errors} testIdPrefix="key-limit" />
    </FormModal>
  );
}
