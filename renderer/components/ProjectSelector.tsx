import { Select } from '@mantine/core';
import { IconFolder } from '@tabler/icons-react';
import { useProjects } from '../stores/projects';

/** The current project, chosen once at the top; project-scoped pages read it from the store. */
export function ProjectSelector() {
  const projects = useProjects((s) => s.projects);
  const selectedId = useProjects((s) => s.selectedId);
  const select = useProjects((s) => s.select);
  return (
    <Select
      aria-label="Project"
      placeholder={projects.length ? 'Choose a project' : 'No projects yet'}
      data={projects.map((p) => ({ value: p.id, label: p.name }))}
      value={selectedId}
      onChange={(v) => v && select(v)}
      disabled={projects.length === 0}
      leftSection={<IconFolder size={16} />}
      searchable
      allowDeselect={false}
      nothingFoundMessage="No project by that name"
      w={240}
      size="sm"
      data-testid="project-selector"
    />
  );
}
