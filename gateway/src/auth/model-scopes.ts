/**
 * Models restricted to some projects (`[models.<name>] projects = [...]`). Resolved once per config
 * into, for each project, the set of models it may not see, so a request pays one Set lookup. The
 * check is the project's, whoever the caller is: an API key, or a JWT whose project comes from a claim.
 */
import type { ModelConfig } from '../config/schema';

export class ModelScopes {
  private readonly hiddenByProject = new Map<string, ReadonlySet<string>>();
  /** Every scoped model: hidden from a project no scope names. */
  private readonly hiddenFromOthers: ReadonlySet<string> | null;

  constructor(models: Readonly<Record<string, Pick<ModelConfig, 'projects'>>>) {
    const scoped = Object.entries(models).filter((e): e is [string, { projects: string[] }] => e[1].projects !== undefined);
    this.hiddenFromOthers = scoped.length ? new Set(scoped.map(([name]) => name)) : null;
    const named = new Set(scoped.flatMap(([, m]) => m.projects));
    for (const project of named) {
      const hidden = new Set(scoped.filter(([, m]) => !m.projects.includes(project)).map(([name]) => name));
      this.hiddenByProject.set(project, hidden);
    }
  }

  /** Models this project may not use; null when no model is restricted. */
  hiddenFor(project: string): ReadonlySet<string> | null {
    if (this.hiddenFromOthers === null) return null;
    return this.hiddenByProject.get(project) ?? this.hiddenFromOthers;
  }
}
