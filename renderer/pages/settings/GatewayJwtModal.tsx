import { Button, Checkbox, Group, NumberInput, PasswordInput, SegmentedControl, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import type { GatewayJwt, GatewayJwtChange, JwtAlgorithm } from '../../../main/core/gateway-jwt/types';
import { call } from '../../client';
import { FormModal } from '../../components/FormModal';
import { useAction } from '../../components/useAction';
import { useFreshFieldErrors } from '../../components/field-errors';
import { useModalForm } from '../../components/useModalForm';
import { CaBundleField } from '../models/CaBundleField';
import { formFromSettings, jwtFieldErrors, KEY_SOURCES, setInput, type JwtForm, type KeySourceKind } from './jwt-form';

interface Props {
  opened: boolean;
  onClose(): void;
  /** The issuer now trusted; null sets one up. */
  current: GatewayJwt | null;
  onSaved(r: GatewayJwtChange): void;
}

export function GatewayJwtModal({ opened, onClose, current, onSaved }: Props) {
  const { busy, error, setError, run } = useAction();
  const [form, setForm] = useModalForm<JwtForm>(opened, current, () => formFromSettings(current), () => setError(null));
  const [errors, markEdited] = useFreshFieldErrors(jwtFieldErrors(error, form.source), error);
  const set = (patch: Partial<JwtForm>) => {
    setForm(patch);
    markEdited(Object.keys(patch));
  };
  const secretStored = current?.keySource.kind === 'hs256';

  const submit = () =>
    run(async () => {
      onSaved(await call('gatewayJwt:set', setInput(form)));
      onClose();
    });

  const toggleAlgorithm = (alg: JwtAlgorithm, on: boolean) => set({ jwksAlgorithms: on ? [...form.jwksAlgorithms, alg] : form.jwksAlgorithms.filter((a) => a !== alg) });

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={current ? 'Edit gateway JWT authentication' : 'Set up gateway JWT authentication'}
      size="xl"
      testId="gateway-jwt-form"
      onSubmit={submit}
      autoComplete="off"
      error={error}
      errorTitle="The settings were not saved"
      note="Saving resyncs the gateway config of every synced cluster."
      noteWidth={420}
      actions={
        <Button type="submit" loading={busy} data-testid="gateway-jwt-submit">
          {current ? 'Save' : 'Enable JWT authentication'}
        </Button>
      }
    >
      <SimpleGrid cols={2} spacing="sm">
        <TextInput label="Issuer" description='The "iss" claim every token must carry.' placeholder="https://idp.example.com" required value={form.issuer} onChange={(e) => set({ issuer: e.currentTarget.value })} error={errors.issuer} data-autofocus name="issuer" />
        <TextInput label="Audience" description='The "aud" claim: tokens issued for other applications are refused.' placeholder="foundry-gateway" required value={form.audience} onChange={(e) => set({ audience: e.currentTarget.value })} error={errors.audience} name="audience" />
      </SimpleGrid>
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          Verification key
        </Text>
        <SegmentedControl value={form.source} onChange={(v) => set({ source: v as KeySourceKind })} data={KEY_SOURCES.map(({ value, label }) => ({ value, label }))} data-testid="gateway-jwt-source" />
        <Text size="xs" c="dimmed">
          {KEY_SOURCES.find((k) => k.value === form.source)!.hint}
        </Text>
      </Stack>
      {form.source === 'jwks' && (
        <>
          <TextInput label="JWKS URL" description="https (plain http only to a loopback address, e.g. a sidecar in the gateway pod)." placeholder="https://idp.example.com/.well-known/jwks.json" required value={form.jwksUrl} onChange={(e) => set({ jwksUrl: e.currentTarget.value })} error={errors.jwksUrl} name="jwksUrl" />
          <Checkbox.Group label="Algorithms" value={form.jwksAlgorithms} error={errors.jwksAlgorithms}>
            <Group mt={6}>
              {(['RS256', 'ES256'] as const).map((alg) => (
                <Checkbox key={alg} value={alg} label={alg} checked={form.jwksAlgorithms.includes(alg)} onChange={(e) => toggleAlgorithm(alg, e.currentTarget.checked)} />
              ))}
            </Group>
          </Checkbox.Group>
          <CaBundleField
            stored={current?.keySource.kind === 'jwks' ? current.keySource.caCertificates : null}
            value={form.jwksCaBundle}
            clear={form.clearJwksCaBundle}
            error={errors.jwksCaBundle}
            onChange={(p) => set({ ...(p.caBundle !== undefined ? { jwksCaBundle: p.caBundle } : {}), ...(p.clearCaBundle !== undefined ? { clearJwksCaBundle: p.clearCaBundle } : {}) })}
            purpose="Only for an https JWKS URL whose certificate a private CA signed (an identity provider inside the company network)"
            testId="gateway-jwt-jwks"
          />
          <NumberInput label="Key cache (minutes)" description="How long each gateway uses fetched keys before fetching the set again (1 to 1440)." min={1} max={1440} allowDecimal={false} value={form.jwksCacheMinutes} onChange={(v) => set({ jwksCacheMinutes: v })} error={errors.jwksCacheMinutes} name="jwksCacheMinutes" maw={260} />
        </>
      )}
      {form.source === 'public_key' && (
        <Textarea
          label="PEM public key"
          description="-----BEGIN PUBLIC KEY----- … (a certificate works too). RSA of 2048 bits or more verifies RS256; EC P-256 verifies ES256. Never paste a private key."
          placeholder="-----BEGIN PUBLIC KEY-----"
          required
          autosize
          minRows={4}
          maxRows={10}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
          value={form.publicKeyPem}
          onChange={(e) => set({ publicKeyPem: e.currentTarget.value })}
          error={errors.publicKeyPem}
          name="publicKeyPem"
        />
      )}
      {form.source === 'hs256' && (
        <PasswordInput
          label="HS256 shared secret"
          description={secretStored ? 'A secret is stored. Leave empty to keep it; type a new one to replace it (tokens signed with the old one stop working). Never shown again.' : 'At least 32 bytes, e.g. `openssl rand -base64 48`. Sealed in the vault and never shown again.'}
          placeholder={secretStored ? 'Leave empty to keep the stored secret' : undefined}
          required={!secretStored}
          value={form.hs256Secret}
          onChange={(e) => set({ hs256Secret: e.currentTarget.value })}
          error={errors.hs256Secret}
          autoComplete="new-password"
          name="hs256Secret"
        />
      )}
      <SimpleGrid cols={3} spacing="sm">
        <TextInput label="Project claim" description="Names the Foundry project." value={form.projectClaim} onChange={(e) => set({ projectClaim: e.currentTarget.value })} error={errors.projectClaim} name="projectClaim" />
        <TextInput label="Models claim" description="Array or space-separated; absent: no models." value={form.modelsClaim} onChange={(e) => set({ modelsClaim: e.currentTarget.value })} error={errors.modelsClaim} name="modelsClaim" />
        <NumberInput label="Clock tolerance (s)" description="Leeway for exp and nbf." min={0} max={300} allowDecimal={false} value={form.clockToleranceS} onChange={(v) => set({ clockToleranceS: v })} error={errors.clockToleranceS} name="clockToleranceS" />
      </SimpleGrid>
    </FormModal>
  );
}
