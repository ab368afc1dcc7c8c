import { Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconLogout } from '@tabler/icons-react';
import { PageHeader } from '../components/PageHeader';
import { useSession } from '../stores/session';
import { PasswordCard } from './settings/PasswordCard';
import { SettingsCard } from './settings/SettingsCard';
import { SystemCard } from './settings/SystemCard';
import { VaultCard } from './settings/VaultCard';
import { GatewayJwtCard } from './settings/GatewayJwtCard';

export function SettingsPage() {
  const user = useSession((s) => s.user);
  const signOut = useSession((s) => s.signOut);
  return (
    <>
      <PageHeader title="Settings" description="This installation, its secrets storage, and your account." />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Stack gap="md">
          <VaultCard />
          <SystemCard />
          <GatewayJwtCard />
        </Stack>
        <Stack gap="md">
          <SettingsCard title="Your account" testId="settings-account">
            <Group justify="space-between">
              <div>
                <Text fw={600}>{user?.displayName || user?.username}</Text>
                <Text size="sm" c="dimmed">
                  {user?.username} · {user?.role}
                </Text>
              </div>
              <Button variant="default" leftSection={<IconLogout size={16} />} onClick={() => void signOut()} data-testid="sign-out">
                Sign out
              </Button>
            </Group>
          </SettingsCard>
          <PasswordCard />
        </Stack>
      </SimpleGrid>
    </>
  );
}
