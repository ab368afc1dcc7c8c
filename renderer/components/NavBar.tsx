import { AppShell, NavLink, ScrollArea, Text } from '@mantine/core';
import { hashOf, useRouter } from '../stores/router';
import { NAV } from './nav';

export function NavBar() {
  const route = useRouter((s) => s.route);
  const navigate = useRouter((s) => s.navigate);
  return (
    <AppShell.Navbar p="xs" data-testid="nav">
      <AppShell.Section grow component={ScrollArea}>
        {NAV.map((group, i) => (
          <div key={group.label ?? i} style={{ marginBottom: 8 }}>
            {group.label && (
              <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" py={4}>
                {group.label}
              </Text>
            )}
            {group.items.map((item) => (
              <NavLink
                key={item.route}
                href={hashOf(item.route)}
                label={item.label}
                leftSection={<item.icon size={18} stroke={1.6} />}
                active={route === item.route}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(item.route);
                }}
                data-testid={`nav-${item.route}`}
              />
            ))}
          </div>
        ))}
      </AppShell.Section>
    </AppShell.Navbar>
  );
}
