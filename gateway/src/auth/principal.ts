/** Who is calling, resolved once per request and shared by limits, routing and usage. */
export interface Principal {
  kind: 'key' | 'jwt';
  /** API key id, or `jwt:<sub>` for tokens. Used in metrics and usage events. */
  id: string;
  project: string;
  /** null means every model ('*'). */
  allowedModels: ReadonlySet<string> | null;
  /** Models restricted to other projects (config `models.<name>.projects`); null when none are. */
  hiddenModels: ReadonlySet<string> | null;
  monthlyTokenBudget: number | undefined;
  requestsPerMinute: number | undefined;
  tokensPerMinute: number | undefined;
}

export function mayUseModel(p: Principal, model: string): boolean {
  return (p.allowedModels === null || p.allowedModels.has(model)) && (p.hiddenModels === null || !p.hiddenModels.has(model));
}

export function modelSet(models: readonly string[]): ReadonlySet<string> | null {
  return models.includes('*') ? null : new Set(models);
}
