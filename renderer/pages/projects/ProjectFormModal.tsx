import { Button, TextInput, Textarea } from '@mantine/core';
import type { Project } from '../../../main/core/access/projects';
import { call } from '../../client';
import { FormModal } from '../../components/FormModal';
import { useAction } from '../../components/useAction';
import { useModalForm } from '../../components/useModalForm';

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
  const { busy, error, setError, run } = useAction();
  const [form, set] = useModalForm(opened, project, () => ({ name: project?.name ?? '', description: project?.description ?? '' }), () => setError(null));
  const { name, description } = form;

  const badName = !editing && name.length > 0 && !DNS_LABEL.test(name);

  const submit = () =>
    run(async () => {
      const saved = project
        ? await call('projects:update', { projectId: project.id, description })
        : await call('projects:create', { name, description: description || undefined });
      onSaved(saved);
      onClose();
    });

  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={editing ? `Edit ${project.name}` : 'New project'}
      testId="project-form"
      onSubmit={submit}
      error={error}
      actions={
        <Button type="submit" loading={busy} disabled={!editing && !DNS_LABEL.test(name)} data-testid="project-form-submit">
          {editing ? 'Save' : 'Create project'}
        </Button>
      }
    >
      <TextInput
        label="Name"
        description={editing ? 'A project’s name cannot change: API keys and audit records refer to it.' : NAME_RULE}
        required
        disabled={editing}
        value={name}
        onChange={(e) => set({ name: e.currentTarget.value })}
        error={badName ? NAME_RULE : undefined}
        data-autofocus
        name="projectName"
      />
      <Textarea label="Description" autosize minRows={2} maxLength={500} value={description} onChange={(e) => set({ description: e.currentTarget.value })} name="description" />
    </FormModal>
  );
}
