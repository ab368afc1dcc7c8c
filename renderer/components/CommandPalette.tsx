import { Spotlight, type SpotlightActionGroupData } from '@mantine/spotlight';
import { IconLogout, IconSearch, IconSun } from '@tabler/icons-react';
import { useMantineColorScheme, useComputedColorScheme } from '@mantine/core';
import { useRouter } from '../stores/router';
import { useSession } from '../stores/session';
import { useJobs } from '../stores/jobs';
import { NAV } from './nav';

/** Ctrl/Cmd+K: jump to any page or run a common action. Clusters, deployments and models join later. */
export function CommandPalette() {
  const navigate = useRouter((s) => s.navigate);
  const signOut = useSession((s) => s.signOut);
  const openDrawer = useJobs((s) => s.openDrawer);
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');

  const pages: SpotlightActionGroupData[] = NAV.map((group) => ({
    group: group.label ?? 'Settings',
    actions: group.items.map((item) => ({
      id: `page-${item.route}`,
      label: item.label,
      description: item.description,
      leftSection: <item.icon size={18} stroke={1.6} />,
      onClick: () => navigate(item.route),
    })),
  }));

  const actions: SpotlightActionGroupData = {
    group: 'Actions',
    actions: [
      { id: 'jobs', label: 'Show background jobs', onClick: () => openDrawer(), leftSection: <IconSearch size={18} /> },
      {
        id: 'theme',
        label: `Switch to ${scheme === 'dark' ? 'light' : 'dark'} theme`,
        onClick: () => setColorScheme(scheme === 'dark' ? 'light' : 'dark'),
        leftSection: <IconSun size={18} />,
      },
      { id: 'sign-out', label: 'Sign out', onClick: () => void signOut(), leftSection: <IconLogout size={18} /> },
    ],
  };

  return (
    <Spotlight
      actions={[...pages, actions]}
      shortcut={['mod + K']}
      nothingFound="Nothing matches"
      highlightQuery
      searchProps={{ leftSection: <IconSearch size={18} />, placeholder: 'Go to a page or run an action…' }}
      data-testid="command-palette"
    />
  );
}
