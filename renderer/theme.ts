/**
 * The one place Foundry's look is decided. Pages use theme colours by meaning (STATUS_COLORS), never
 * ad-hoc values, so light and dark stay consistent. Defaults lean dense: operators read tables.
 */
import { createTheme, type MantineColor } from '@mantine/core';

export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 6, dark: 5 },
  defaultRadius: 'sm',
  // Operators who ask the OS for less motion get none; screenshots in e2e rely on it too.
  respectReducedMotion: true,
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "JetBrains Mono", "SFMono-Regular", Menlo, Consolas, monospace',
  headings: { fontWeight: '600' },
  components: {
    Table: { defaultProps: { verticalSpacing: 'xs', highlightOnHover: true, tabularNums: true } },
    Badge: { defaultProps: { variant: 'light', radius: 'sm' } },
    Modal: { defaultProps: { centered: true, overlayProps: { backgroundOpacity: 0.45, blur: 2 } } },
    Tooltip: { defaultProps: { withArrow: true, openDelay: 300 } },
  },
});

/** Status words used across the app, mapped once to theme colours. */
export const STATUS_COLORS = {
  active: 'teal',
  ready: 'teal',
  succeeded: 'teal',
  ok: 'teal',
  running: 'indigo',
  queued: 'gray',
  expired: 'yellow',
  locked: 'yellow',
  uninitialized: 'yellow',
  interrupted: 'yellow',
  disabled: 'gray',
  cancelled: 'gray',
  revoked: 'red',
  failed: 'red',
  error: 'red',
} as const satisfies Record<string, MantineColor>;

export type StatusWord = keyof typeof STATUS_COLORS;

export const statusColor = (word: string): MantineColor =>
  Object.hasOwn(STATUS_COLORS, word) ? STATUS_COLORS[word as StatusWord] : 'gray';
