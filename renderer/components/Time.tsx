import { Text } from '@mantine/core';
import { formatTime } from './format';

/** A timestamp in the viewer's locale on one line, with the exact ISO instant on hover. */
export function Time({ iso, size = 'sm' }: { iso: string | null | undefined; size?: 'xs' | 'sm' }) {
  return (
    <Text size={size} span style={{ whiteSpace: 'nowrap' }} title={iso ?? undefined}>
      {formatTime(iso)}
    </Text>
  );
}
