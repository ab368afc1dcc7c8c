import { AppShell, Button, Group, Kbd, Text, ThemeIcon } from '@mantine/core';
import { spotlight } from '@mantine/spotlight';
import { IconBuildingFactory2, IconSearch } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ColorSchemeToggle } from './ColorSchemeToggle';
import { CommandPalette } from './CommandPalette';
import { JobsDrawer } from './JobsDrawer';
import { NavBar } from './NavBar';
import { ProjectSelector } from './ProjectSelector';
import { StatusBar } from './StatusBar';

const isMac = typeof navigator !== 'undefined' && /Mac/i.test(navigator.platform);

export function Shell({ children }: { children: ReactNode }) {
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 220, breakpoint: 0 }} footer={{ height: 28 }} padding="md">
      <AppShell.Header px="md">
        <Group h="100%" justify="space-between" wrap="nowrap">
          <Group gap="md" wrap="nowrap">
            <Group gap={8} wrap="nowrap" w={190}>
              <ThemeIcon size="md" variant="filled">
                <IconBuildingFactory2 size={16} />
              </ThemeIcon>
              <Text fw={700}>Foundry</Text>
            </Group>
            <ProjectSelector />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Button
              variant="default"
              size="sm"
              leftSection={<IconSearch size={16} />}
              rightSection={<Kbd size="xs">{isMac ? '⌘' : 'Ctrl'} K</Kbd>}
              onClick={() => spotlight.open()}
              data-testid="open-palette"
            >
              <Text size="sm" c="dimmed">
                Search
              </Text>
            </Button>
            <ColorSchemeToggle />
          </Group>
        </Group>
      </AppShell.Header>
      <NavBar />
      <AppShell.Main>{children}</AppShell.Main>
      <StatusBar />
      <CommandPalette />
      <JobsDrawer />
    </AppShell>
  );
}
