import { Badge, Stack, Text, Tooltip } from '@mantine/core';
import { limitParts, type Limits } from './limits';

/** A table cell: the limits that are set, compact, exact values on hover; "No limits" when none. */
export function LimitsCell({ limits, logBodies, testId }: { limits: Limits; logBodies?: boolean; testId?: string }) {
  const parts = limitParts(limits);
  return (
    <Stack gap={2} align="flex-start" data-testid={testId}>
      {parts.length === 0 ? (
        <Text size="sm" c="dimmed">
          No limits
        </Text>
      ) : (
        <Tooltip label={parts.map((p) => p.long).join(' · ')} multiline maw={320}>
          <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
            {parts.map((p) => p.short).join(' · ')}
          </Text>
        </Tooltip>
      )}
      {logBodies && (
        <Tooltip label="The gateway's access log carries this project's request and response bodies (secrets redacted).">
          <Badge size="xs" variant="light" color="yellow" tt="none">
            bodies logged
          </Badge>
        </Tooltip>
      )}
    </Stack>
  );
}
