/**
 * The project list and the one the user is working in. The choice is remembered in localStorage
 * (only an id, nothing secret) so the app reopens where the user left it.
 */
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { Project } from '../../main/core/access/projects';
import { call, toClientError, type ClientError } from '../client';

interface ProjectsState {
  projects: Project[];
  selectedId: string | null;
  loaded: boolean;
  error: ClientError | null;
  load(): Promise<void>;
  select(id: string | null): void;
}

/** Keeps the selection valid: the remembered id if it still exists, else the first project. */
export function pickSelection(projects: Project[], wanted: string | null): string | null {
  if (wanted && projects.some((p) => p.id === wanted)) return wanted;
  return projects[0]?.id ?? null;
}

export const useProjects = create<ProjectsState>()(
  persist(
    (set, get) => ({
      projects: [],
      selectedId: null,
      loaded: false,
      error: null,
      async load() {
        try {
          const projects = await call('projects:list', {});
          set({ projects, loaded: true, error: null, selectedId: pickSelection(projects, get().selectedId) });
        } catch (err) {
          set({ loaded: true, error: toClientError(err) });
        }
      },
      select(id) {
        set({ selectedId: id });
      },
    }),
    { name: 'foundry.project', partialize: (s) => ({ selectedId: s.selectedId }) },
  ),
);

export const useSelectedProject = (): Project | null =>
  useProjects((s) => s.projects.find((p) => p.id === s.selectedId) ?? null);
