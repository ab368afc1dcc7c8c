import { useCallback, useEffect, useState } from 'react';
import type { ClientError } from '../client';

/**
 * A channel's field issues ({path, message}) keyed by field: the dotted path by default
 * ("policy.rules.0.pattern"), or whatever `keyOf` makes of it. Two issues on one field are joined.
 */
export function fieldErrors(error: ClientError | null, keyOf: (path: unknown[]) => string = (p) => p.join('.')): Record<string, string> {
  const out: Record<string, string> = {};
  if (!error || !Array.isArray(error.details)) return out;
  for (const d of error.details as { path?: unknown; message?: unknown }[]) {
    if (!Array.isArray(d.path) || typeof d.message !== 'string') continue;
    const key = keyOf(d.path);
    out[key] = out[key] ? `${out[key]}; ${d.message}` : d.message;
  }
  return out;
}

/** Keys field issues by the top-level field a form edits (`["baseUrl"]`, `["projectIds", 2]` → "projectIds"). */
export const byTopField = (path: unknown[]): string => String(path[0] ?? '');

/**
 * Field errors that disappear from a field as soon as the user edits it (the server's verdict was on
 * the old value), and all come back with the next answer. `edited` takes the keys a change touched.
 */
export function useFreshFieldErrors(errors: Record<string, string>, error: unknown): [Record<string, string>, (keys: string[]) => void] {
  const [edited, setEdited] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setEdited(new Set()), [error]);
  const markEdited = useCallback((keys: string[]) => setEdited((prev) => (keys.every((k) => prev.has(k)) ? prev : new Set([...prev, ...keys]))), []);
  const fresh = Object.fromEntries(Object.entries(errors).filter(([k]) => !edited.has(k)));
  return [fresh, markEdited];
}
