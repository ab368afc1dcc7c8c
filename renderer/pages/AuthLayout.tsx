import { Box, Center, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconBuildingFactory2 } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** The frame for everything shown before the app itself: setup, sign-in, connection problems. */
export function AuthLayout({ title, subtitle, children, testId }: { title: string; subtitle?: ReactNode; children: ReactNode; testId: string }) {
  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-body)">
      <Box w={440} maw="100%">
        <Group gap="xs" mb="lg" justify="center">
          <ThemeIcon size="lg" variant="filled">
            <IconBuildingFactory2 size={20} />
          </ThemeIcon>
          <Text fw={700} size="xl">
            Foundry
          </Text>
        </Group>
        <Paper withBorder shadow="sm" p="xl" radius="md" data-testid={testId}>
          <Stack gap="md">
            <div>
              <Title order={3}>{title}</Title>
              {subtitle && (
                <Text size="sm" c="dimmed" mt={4}>
                  {subtitle}
                </Text>
              )}
            </div>
            {children}
          </Stack>
        </Paper>
      </Box>
    </Center>
  );
}
