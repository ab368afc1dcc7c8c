import { Button, Checkbox, Group, Input, MultiSelect, PasswordInput, Select, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import { useModalForm } from '../../components/useModalForm';
import type { Endpoint, EndpointKind } from '../../../main/core/endpoints/types';
import type { Project } from '../../../main/core/access/projects';
import { call } from '../../client';
import { FormModal } from '../../components/FormModal';
import { useAction } from '../../components/useAction';
import { CaBundleField } from './CaBundleField';
import { LimitFields } from '../../components/LimitFields';
import { limitProblem } from '../../components/limits';
import { useFreshFieldErrors } from '../../components/field-errors';
import { createInput, emptyForm, endpointFieldErrors, FIELD_HELP, formFromEndpoint, KINDS, NAME, NAME_RULE, updateInput, type EndpointForm } from './form';

const RATES = ['requestsPerMinute', 'tokensPerMinute'] as const;

interface Props {
  opened: boolean;
  onClose(): void;
  /** Edit this endpoint; add a new one when absent. */
  endpoint?: Endpoint | null;
  /** Every endpoint, for the fallback choice. */
  endpoints: Endpoint[];
  projects: Project[];
  onSaved(e: Endpoint): void;
}

export function EndpointFormModal({ opened, onClose, endpoint, endpoints, projects, onSaved }: Props) {
  const { busy, error, setError, run } = useAction();
  const [form, setForm] = useModalForm<EndpointForm>(opened, endpoint, () => (endpoint ? formFromEndpoint(endpoint) : emptyForm()), () => setError(null));
  const [errors, markEdited] = useFreshFieldErrors(endpointFieldErrors(error), error);
  const set = (patch: Partial<EndpointForm>) => {
    setForm(patch);
    markEdited(Object.keys(patch));
  };
  const help = FIELD_HELP[form.kind];
  const badName = form.name.length > 0 && !NAME.test(form.name.trim());
  const cloud = form.kind !== 'openai_compatible';

  const submit = () =>
    run(async () => {
      const saved = endpoint ? await call('endpoints:update', updateInput(endpoint.id, form)) : await call('endpoints:create', createInput(form));
      onSaved(saved);
      onClose();
    });

  const keyDescription = endpoint?.keySet
    ? 'A key is stored. Leave empty to keep it; type a new one to replace it. Keys are never shown again.'
    : cloud
      ? 'Required. Sealed in the vault; it reaches clusters only inside the gateway Secret and is never shown again.'
      : 'Optional (vLLM --api-key, a proxy token…). Sealed in the vault and never shown again.';

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={endpoint ? `Edit ${endpoint.name}` : 'Add an endpoint'}
      size="xl"
      testId="endpoint-form"
      onSubmit={submit}
      autoComplete="off"
      error={error}
      errorTitle={endpoint ? 'The changes were not saved' : 'The endpoint was not added'}
      note="Saving resyncs the gateway config of every synced cluster."
      noteWidth={420}
      actions={
        <Button type="submit" loading={busy} disabled={!NAME.test(form.name.trim()) || RATES.some((f) => limitProblem(form[f]) !== null)} data-testid="endpoint-form-submit">
          {endpoint ? 'Save' : 'Add endpoint'}
        </Button>
      }
    >
      <SimpleGrid cols={2} spacing="sm">
        <Select
          label="Kind"
          description={KINDS.find((k) => k.value === form.kind)!.hint}
          data={KINDS.map(({ value, label }) => ({ value, label }))}
          value={form.kind}
          onChange={(v) => v && set({ kind: v as EndpointKind, apiVersion: '' })}
          allowDeselect={false}
          error={errors.kind}
          data-testid="endpoint-kind"
        />
        <TextInput
          label="Name"
          description="The model name clients send to the gateway."
          required
          value={form.name}
          onChange={(e) => set({ name: e.currentTarget.value })}
          error={badName ? NAME_RULE : errors.name}
          data-autofocus
          name="endpointName"
        />
      </SimpleGrid>
      <TextInput label="Base URL" description={help.baseUrl} placeholder={help.placeholder} required={!cloud || form.kind === 'azure'} value={form.baseUrl} onChange={(e) => set({ baseUrl: e.currentTarget.value })} error={errors.baseUrl} name="baseUrl" />
      <SimpleGrid cols={help.version ? 2 : 1} spacing="sm">
        <TextInput
          label={form.kind === 'azure' ? 'Deployment' : 'Upstream model'}
          description={`${help.model}${form.kind === 'azure' ? '' : ' Empty: the name above.'}`}
          placeholder={help.modelPlaceholder}
          required={form.kind === 'azure'}
          value={form.upstreamModel}
          onChange={(e) => set({ upstreamModel: e.currentTarget.value })}
          error={errors.upstreamModel}
          name="upstreamModel"
        />
        {help.version && (
          <TextInput label="API version" description={help.version} placeholder={help.versionPlaceholder} required={form.kind === 'azure'} value={form.apiVersion} onChange={(e) => set({ apiVersion: e.currentTarget.value })} error={errors.apiVersion} name="apiVersion" />
        )}
      </SimpleGrid>
      <PasswordInput
        label="API key"
        description={keyDescription}
        placeholder={endpoint?.keySet ? 'Leave empty to keep the stored key' : undefined}
        value={form.apiKey}
        onChange={(e) => set({ apiKey: e.currentTarget.value, clearApiKey: false })}
        error={errors.apiKey}
        autoComplete="new-password"
        name="apiKey"
      />
      {endpoint?.keySet && !cloud && (
        <Checkbox label="Remove the stored key" checked={form.clearApiKey} disabled={form.apiKey.length > 0} onChange={(e) => set({ clearApiKey: e.currentTarget.checked })} name="clearApiKey" />
      )}
      <CaBundleField stored={endpoint?.caCertificates ?? null} value={form.caBundle} clear={form.clearCaBundle} error={errors.caBundle} onChange={set} />
      <Group align="flex-start" grow>
        <Input.Wrapper label="Projects" description="Which projects may call it, with API keys or tokens; others get “model not found”." error={form.allProjects ? errors.projectIds : undefined}>
          <Stack gap={6} mt={8}>
            <Switch label="Every project" checked={form.allProjects} onChange={(e) => set({ allProjects: e.currentTarget.checked })} data-testid="endpoint-all-projects" />
            {!form.allProjects && (
              <MultiSelect
                aria-label="Projects"
                placeholder="Pick projects"
                data={projects.map((p) => ({ value: p.id, label: p.name }))}
                value={form.projectIds}
                onChange={(projectIds) => set({ projectIds })}
                searchable
                error={errors.projectIds}
                data-testid="endpoint-projects"
              />
            )}
          </Stack>
        </Input.Wrapper>
        <Select
          label="Fallback"
          description="Tried, in its turn with its own fallback, when this one fails (5xx, timeout, connection error, 429)."
          placeholder="None"
          data={endpoints.filter((x) => x.id !== endpoint?.id).map((x) => ({ value: x.id, label: x.name }))}
          value={form.fallbackId}
          onChange={(fallbackId) => set({ fallbackId })}
          clearable
          error={errors.fallbackId}
          data-testid="endpoint-fallback"
        />
      </Group>
      <LimitFields
        fields={RATES}
        values={form}
        onChange={(f, v) => set({ [f]: v })}
        scope="every caller of this model together"
        errors={errors}
        testIdPrefix="endpoint-limit"
      />
    </FormModal>
  );
}
