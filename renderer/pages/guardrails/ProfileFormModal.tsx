import { Button, Checkbox, Fieldset, Group, Input, NumberInput, SegmentedControl, SimpleGrid, Stack, Switch, TagsInput, TextInput, Textarea } from '@mantine/core';
import { useModalForm } from '../../components/useModalForm';
import type { GuardrailProfile } from '../../../main/core/guardrails/service';
import { call } from '../../client';
import { FormModal } from '../../components/FormModal';
import { useAction } from '../../components/useAction';
import { fieldErrors } from '../../components/field-errors';
import { PII_KINDS, PII_LABELS, emptyForm, errorsUnder, formFromProfile, policyFromForm, type Direction, type GuardAction, type ProfileForm } from './form';
import { RulesEditor } from './RulesEditor';

// The channel's own rule, in the channel's words (main/core/guardrails/policy.ts PROFILE_NAME_RULE).
const NAME_RULE = 'Use 1–63 lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit.';
const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const ACTIONS = [
  { value: 'redact', label: 'Redact' },
  { value: 'block', label: 'Block' },
];

interface Props {
  opened: boolean;
  onClose(): void;
  /** Edit this profile; create a new one when absent. */
  profile?: GuardrailProfile | null;
  onSaved(profile: GuardrailProfile): void;
}

export function ProfileFormModal({ opened, onClose, profile, onSaved }: Props) {
  const { busy, error, setError, run } = useAction();
  const [form, set] = useModalForm<ProfileForm>(opened, profile, () => (profile ? formFromProfile(profile) : emptyForm()), () => setError(null));

  const errors = fieldErrors(error);
  const badName = form.name.length > 0 && !NAME.test(form.name);

  const submit = () =>
    run(async () => {
      const policy = policyFromForm(form);
      const saved = profile
        ? await call('guardrails:update', { profileId: profile.id, name: form.name, description: form.description, policy })
        : await call('guardrails:create', { name: form.name, description: form.description || undefined, policy });
      onSaved(saved);
      onClose();
    });

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={profile ? `Edit ${profile.name}` : 'New guardrail profile'}
      size="xl"
      testId="profile-form"
      onSubmit={submit}
      gap="md"
      error={error}
      errorTitle={profile ? 'The changes were not saved' : 'The profile was not created'}
      note="Saved profiles are checked with the gateway's own config schema; regex rules that could backtrack catastrophically are refused."
      actions={
        <Button type="submit" loading={busy} disabled={!NAME.test(form.name)} data-testid="profile-form-submit">
          {profile ? 'Save' : 'Create profile'}
        </Button>
      }
    >
      <SimpleGrid cols={2} spacing="sm">
        <TextInput
          label="Name"
          description={NAME_RULE}
          required
          value={form.name}
          onChange={(e) => set({ name: e.currentTarget.value })}
          error={badName ? NAME_RULE : errors.name}
          data-autofocus
          name="profileName"
        />
        <Textarea label="Description" autosize minRows={2} maxLength={500} value={form.description} onChange={(e) => set({ description: e.currentTarget.value })} name="description" error={errors.description} />
      </SimpleGrid>

      <Fieldset legend="PII detectors">
        <Stack gap="sm">
          <SimpleGrid cols={3} spacing="xs">
            {PII_KINDS.map((kind) => (
              <Switch
                key={kind}
                label={PII_LABELS[kind]}
                checked={form.pii.includes(kind)}
                onChange={(e) => set({ pii: e.currentTarget.checked ? PII_KINDS.filter((k) => k === kind || form.pii.includes(k)) : form.pii.filter((k) => k !== kind) })}
                data-testid={`pii-${kind}`}
              />
            ))}
          </SimpleGrid>
          {errorsUnder(errors, 'policy.pii') && <Input.Error>{errorsUnder(errors, 'policy.pii')}</Input.Error>}
          <Group gap="xl" align="flex-start">
            <Input.Wrapper label="When found" description="Also the default for regex rules" error={errors['policy.action']}>
              <SegmentedControl mt={4} data={ACTIONS} value={form.action} onChange={(v) => set({ action: v as GuardAction })} data-testid="pii-action" />
            </Input.Wrapper>
            <Checkbox.Group
              label="Check"
              description="Where PII detectors and the deny list look"
              value={form.directions}
              onChange={(v) => set({ directions: v as Direction[] })}
              error={errorsUnder(errors, 'policy.directions')}
            >
              <Group mt={8}>
                <Checkbox value="input" label="Prompts (input)" />
                <Checkbox value="output" label="Answers (output)" />
              </Group>
            </Checkbox.Group>
          </Group>
        </Stack>
      </Fieldset>

      <Fieldset legend="Deny list">
        <Group align="flex-start" grow>
          <TagsInput
            label="Words and phrases"
            description="Whole words, case-insensitive. Press Enter after each."
            value={form.deny}
            onChange={(deny) => set({ deny })}
            clearable
            error={errorsUnder(errors, 'policy.deny')}
            data-testid="deny-terms"
          />
          <Input.Wrapper label="When found" maw={200} error={errors['policy.deny_action']}>
            <SegmentedControl mt={4} data={ACTIONS.slice().reverse()} value={form.denyAction} onChange={(v) => set({ denyAction: v as GuardAction })} />
          </Input.Wrapper>
        </Group>
      </Fieldset>

      <Fieldset legend="Regex rules">
        <RulesEditor rules={form.rules} onChange={(rules) => set({ rules })} errors={errors} />
        {errors['policy.rules'] && <Input.Error mt="xs">{errors['policy.rules']}</Input.Error>}
      </Fieldset>

      <Fieldset legend="Limits">
        <SimpleGrid cols={2} spacing="sm">
          <NumberInput
            label="Max prompt size (characters)"
            description="All messages together; larger prompts are blocked. Empty: no limit."
            placeholder="No limit"
            min={1}
            allowDecimal={false}
            allowNegative={false}
            thousandSeparator=","
            value={form.maxPromptChars}
            onChange={(v) => set({ maxPromptChars: typeof v === 'number' ? v : '' })}
            error={errors['policy.max_prompt_chars']}
            name="maxPromptChars"
          />
          <NumberInput
            label="Streaming hold-back (characters)"
            description="Held per stream so a match split across chunks is still caught (16–4096)."
            min={16}
            max={4096}
            allowDecimal={false}
            value={form.holdback}
            onChange={(v) => set({ holdback: typeof v === 'number' ? v : 64 })}
            error={errors['policy.stream_holdback_chars']}
          />
        </SimpleGrid>
      </Fieldset>
    </FormModal>
  );
}
