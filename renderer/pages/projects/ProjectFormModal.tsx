import { Button, Modal, Stack, TextInput, Textarea } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import type { Project } from '../../../main/core/access/projects';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ModalActions } from '../../components/ModalActions';
import { useAction } from '../../components/useAction';

// The channel's own rule, in the channel's words (main/core/channels/spec.ts projectName).
const NAME_RULE = 'Use 1–40 lowercase letters, digits and dashes (a DNS label), e.g. "fraud-detection".';
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

interface Props {
  opened: boolean;
  onClose(): void;
  /** Edit this project's description; create a new project when absent. */
  project?: Project | null;
  onSaved(project: Project): void;
}

export function ProjectFormModal({ opened, onClose, project, onSaved }: Props) {
  const editing = !!project;
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    if (!opened) return;
    setName(project?.name ?? '');
    setDescription(project?.description ?? '');
    setError(null);
  }, [opened, project, setError]);

  const badName = !editing && name.length > 0 && !DNS_LABEL.test(name);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await run(async () => {
      const saved = project
        ? await call('projects:update', { projectId: project.id, description })
        : await call('projects:create', { name, description: description || undefined });
      onSaved(saved);
      onClose();
    });
  };

  return (
    <Modal opened={opened} onClose={onClose} title={editing ? `Edit ${project.name}` : 'New project'} data-testid="project-form">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput
            label="Name"
            description={editing ? 'A project’s name cannot change: API keys and audit records refer to it.' : NAME_RULE}
            required
            disabled={editing}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={badName ? NAME_RULE : undefined}
            data-autofocus
            name="projectName"
          />
          <Textarea label="Description" autosize minRows={2} maxLength={500} value={description} onChange={(e) => setDescription(e.currentTarget.value)} name="description" />
          {error && <ErrorAlert error={error} />}
          <ModalActions onCancel={onClose}>
            <Button type="submit" loading={busy} disabled={!editing && !DNS_LABEL.test(name)} data-testid="project-form-submit">
              {editing ? 'Save' : 'Create project'}
            </Button>
          </ModalActions>
        </Stack>
      </form>
    </Modal>
  );
}
