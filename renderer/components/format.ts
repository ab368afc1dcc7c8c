/** Display formatting shared by tables. Times are shown in the viewer's locale, ISO on hover. */

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatNumber(n: number | null | undefined): string {
  return n == null ? '—' : new Intl.NumberFormat().format(n);
}

/** Turns a `datetime-local` value (local wall time) into the ISO instant the core expects. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
