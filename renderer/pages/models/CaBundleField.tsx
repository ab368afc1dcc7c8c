import { Button, Checkbox, FileButton, Group, Stack, Text, Textarea } from '@mantine/core';
import { IconFileUpload } from '@tabler/icons-react';
import type { EndpointCaCertificate } from '../../../main/core/endpoints/types';
import { Time } from '../../components/Time';

interface Props {
  /** The bundle stored with the endpoint (its certificates), or null. */
  stored: EndpointCaCertificate[] | null;
  value: string;
  clear: boolean;
  error?: string;
  onChange(patch: { caBundle?: string; clearCaBundle?: boolean }): void;
  /** What the bundle is for, shown while none is stored. */
  purpose?: string;
  /** data-testid prefix: `${testId}-ca-bundle`, `${testId}-ca-stored`. */
  testId?: string;
}

/**
 * The CA bundle of an https endpoint behind a private certificate authority: pasted or loaded from a
 * PEM file. The core checks it (CA certificates only, not expired, no private key) and answers with
 * the field error shown here; the stored bundle is shown by its certificates, never as text.
 */
export function CaBundleField({ stored, value, clear, error, onChange, purpose = 'Only for an https endpoint whose certificate a private CA signed', testId = 'endpoint' }: Props) {
  return (
    <Stack gap={6}>
      <Textarea
        label="CA bundle (PEM)"
        description={
          stored
            ? 'A CA bundle is stored (below). Leave empty to keep it; paste or load another to replace it.'
            : `${purpose}: the CA certificate(s), -----BEGIN CERTIFICATE-----… Empty: the system’s trusted authorities.`
        }
        placeholder={'-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----'}
        autosize
        minRows={2}
        maxRows={8}
        value={value}
        onChange={(e) => onChange({ caBundle: e.currentTarget.value, clearCaBundle: false })}
        error={error}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
        spellCheck={false}
        autoComplete="off"
        name="caBundle"
        data-testid={`${testId}-ca-bundle`}
      />
      <Group justify="space-between" align="flex-start">
        <FileButton onChange={(file) => void file?.text().then((caBundle) => onChange({ caBundle, clearCaBundle: false }))} accept=".pem,.crt,.cer,*">
          {(props) => (
            <Button variant="subtle" size="xs" leftSection={<IconFileUpload size={14} />} {...props}>
              Load a PEM file
            </Button>
          )}
        </FileButton>
        {stored && (
          <Stack gap={2} data-testid={`${testId}-ca-stored`}>
            {stored.map((c) => (
              <Text key={c.fingerprint256} size="xs" c="dimmed" title={`SHA-256 ${c.fingerprint256}`}>
                Trusted: {c.subject}, valid until <Time iso={c.notAfter} size="xs" />
              </Text>
            ))}
            <Checkbox size="xs" label="Remove the CA bundle (use the system’s authorities)" checked={clear} disabled={value.trim().length > 0} onChange={(e) => onChange({ clearCaBundle: e.currentTarget.checked })} name="clearCaBundle" />
          </Stack>
        )}
      </Group>
    </Stack>
  );
}
