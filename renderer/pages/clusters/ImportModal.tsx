import { Alert, Badge, Button, Checkbox, Code, FileButton, Group, Modal, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { IconAlertTriangle, IconFileUpload } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { ImportResult, KubeconfigContext } from '../../../main/core/clusters/types';
import { call, ClientError } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ModalActions } from '../../components/ModalActions';
import { useAction } from '../../components/useAction';

const NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/i;
const NAME_RULE = '1–63 letters, digits, dots, dashes or underscores';

interface Choice {
  selected: boolean;
  name: string;
}

interface Props {
  opened: boolean;
  onClose(): void;
  onImported(result: ImportResult): void;
}

/**
 * Paste (or load) a kubeconfig, choose its contexts, name them, import. The text lives only in this
 * modal's state and is dropped when it closes; the core keeps each context encrypted in the vault.
 */
export function ImportModal({ opened, onClose, onImported }: Props) {
  const [text, setText] = useState('');
  const [contexts, setContexts] = useState<KubeconfigContext[] | null>(null);
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [allowUnreachable, setAllowUnreachable] = useState(false);
  const [failed, setFailed] = useState<ImportResult['failed']>([]);
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    if (opened) return;
    setText('');
    setContexts(null);
    setChoices({});
    setFailed([]);
    setAllowUnreachable(false);
    setError(null);
  }, [opened, setError]);

  const read = () =>
    run(async () => {
      const preview = await call('clusters:preview', { kubeconfig: text });
      setContexts(preview.contexts);
      setChoices(
        Object.fromEntries(
          preview.contexts.map((c) => [c.context, { selected: !c.problem && (preview.contexts.length === 1 || c.context === preview.currentContext), name: c.suggestedName }]),
        ),
      );
    });

  const chosen = (contexts ?? []).filter((c) => !c.problem && choices[c.context]?.selected);
  const namesOk = chosen.every((c) => NAME.test(choices[c.context]!.name));

  const submit = () =>
    run(async () => {
      setFailed([]);
      const result = await call('clusters:import', {
        kubeconfig: text,
        contexts: chosen.map((c) => ({ context: c.context, name: choices[c.context]!.name })),
        allowUnreachable,
      });
      onImported(result);
      if (result.failed.length) {
        setFailed(result.failed);
        const left = new Set(result.failed.map((f) => f.context));
        setContexts((list) => (list ?? []).filter((c) => left.has(c.context)));
      } else {
        onClose();
      }
    });

  const setChoice = (context: string, patch: Partial<Choice>) => setChoices((all) => ({ ...all, [context]: { ...all[context]!, ...patch } }));

  return (
    <Modal opened={opened} onClose={onClose} title="Import clusters from a kubeconfig" size="xl" data-testid="import-modal">
      <Stack gap="sm">
        {!contexts ? (
          <>
            <Textarea
              label="Kubeconfig"
              description="Paste the output of kubectl config view --minify --flatten (or load the file). It is sent to Foundry's core only, and stored encrypted per context."
              placeholder="apiVersion: v1&#10;kind: Config&#10;clusters: …"
              autosize
              minRows={10}
              maxRows={18}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
              spellCheck={false}
              autoComplete="off"
              data-autofocus
              name="kubeconfig"
              data-testid="kubeconfig-input"
            />
            <Group justify="space-between">
              <FileButton onChange={(file) => void file?.text().then(setText)} accept=".yaml,.yml,.json,.conf,*">
                {(props) => (
                  <Button variant="subtle" leftSection={<IconFileUpload size={16} />} {...props}>
                    Load a file
                  </Button>
                )}
              </FileButton>
            </Group>
          </>
        ) : (
          <ContextsTable contexts={contexts} choices={choices} onChange={setChoice} />
        )}
        {contexts && (
          <Checkbox
            label="Import even if a cluster cannot be reached right now (it shows as unreachable until a check succeeds)"
            checked={allowUnreachable}
            onChange={(e) => setAllowUnreachable(e.currentTarget.checked)}
          />
        )}
        {failed.map((f) => (
          <ErrorAlert key={f.context} title={`${f.context} was not imported`} error={new ClientError(f.error)} />
        ))}
        {error && <ErrorAlert error={error} />}
        <ModalActions onCancel={onClose}>
          {!contexts ? (
            <Button onClick={() => void read()} loading={busy} disabled={!text.trim()} data-testid="import-read">
              Read contexts
            </Button>
          ) : (
            <>
              <Button variant="subtle" onClick={() => { setContexts(null); setFailed([]); setError(null); }} data-testid="import-back">
                Back to the text
              </Button>
              <Button onClick={() => void submit()} loading={busy} disabled={chosen.length === 0 || !namesOk} data-testid="import-submit">
                Import {chosen.length === 1 ? '1 cluster' : `${chosen.length} clusters`}
              </Button>
            </>
          )}
        </ModalActions>
      </Stack>
    </Modal>
  );
}

function ContextsTable({ contexts, choices, onChange }: { contexts: KubeconfigContext[]; choices: Record<string, Choice>; onChange(context: string, patch: Partial<Choice>): void }) {
  return (
    <Table data-testid="import-contexts">
      <Table.Thead>
        <Table.Tr>
          <Table.Th w={36} />
          <Table.Th>Context</Table.Th>
          <Table.Th>Name in Foundry</Table.Th>
          <Table.Th>API server</Table.Th>
          <Table.Th>Auth</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {contexts.map((c) => {
          const choice = choices[c.context]!;
          return (
            <Table.Tr key={c.context} data-testid={`import-context-${c.context}`}>
              <Table.Td>
                <Checkbox aria-label={`Import ${c.context}`} checked={choice.selected} disabled={!!c.problem} onChange={(e) => onChange(c.context, { selected: e.currentTarget.checked })} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {c.context}
                </Text>
                {c.problem && (
                  <Alert color="yellow" variant="light" p={6} mt={4} icon={<IconAlertTriangle size={14} />} data-testid="import-problem">
                    <Text size="xs">{c.problem.message}</Text>
                    <Text size="xs" c="dimmed">
                      {c.problem.hint}
                    </Text>
                  </Alert>
                )}
              </Table.Td>
              <Table.Td>
                <TextInput
                  size="xs"
                  miw={150}
                  value={choice.name}
                  disabled={!!c.problem || !choice.selected}
                  onChange={(e) => onChange(c.context, { name: e.currentTarget.value })}
                  error={choice.selected && !NAME.test(choice.name) ? NAME_RULE : undefined}
                  aria-label={`Name for ${c.context}`}
                />
              </Table.Td>
              <Table.Td>
                <Code>{c.server || '—'}</Code>
                {c.caFingerprint && (
                  <Text size="xs" c="dimmed" title={c.caFingerprint}>
                    CA {c.caFingerprint.slice(0, 23)}…
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{c.authKind ? <Badge variant="outline">{c.authKind}</Badge> : '—'}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
