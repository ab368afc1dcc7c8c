import { Alert, Badge, Button, Group, List, Skeleton, Text } from '@mantine/core';
import { IconAlertTriangle, IconLock, IconRotate } from '@tabler/icons-react';
import { useState } from 'react';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { notifyDone, notifyError } from '../../components/notify';
import { useLoad } from '../../components/useLoad';
import { useCan } from '../../stores/abilities';
import { useJobs } from '../../stores/jobs';
import { statusColor } from '../../theme';
import { Facts, SettingsCard } from './SettingsCard';

function KeychainHelp({ message }: { message?: string }) {
  return (
    <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="The OS keychain is not available" data-testid="keychain-help">
      <Text size="sm">{message ?? 'Foundry could not reach the keychain.'}</Text>
      <Text size="sm" mt="xs">
        Secrets (kubeconfigs, cloud credentials, SSH keys) are encrypted with a master secret kept in the OS keychain, so they need it:
      </Text>
      <List size="sm" mt={4}>
        <List.Item>Linux: a Secret Service provider such as GNOME Keyring or KWallet, unlocked in your session.</List.Item>
        <List.Item>macOS: the login Keychain. Windows: Credential Manager.</List.Item>
      </List>
      <Text size="sm" mt="xs">
        Everything else works without it. Once it is available, reload this page and initialize the vault.
      </Text>
    </Alert>
  );
}

export function VaultCard() {
  const status = useLoad(() => call('vault:status', {}), 'vault');
  const canManage = useCan('vault:manage');
  const track = useJobs((s) => s.track);
  const openDrawer = useJobs((s) => s.openDrawer);
  const [busy, setBusy] = useState<'init' | 'rotate' | null>(null);

  const init = async () => {
    setBusy('init');
    try {
      await call('vault:init', {});
      notifyDone('Vault ready');
    } catch (err) {
      notifyError('Could not initialize the vault', err);
    }
    setBusy(null);
    await status.reload();
  };

  const rotate = async () => {
    setBusy('rotate');
    try {
      const job = await call('vault:rotate', {});
      track(job);
      openDrawer(job.id);
    } catch (err) {
      notifyError('Could not start key rotation', err);
    }
    setBusy(null);
  };

  const data = status.data;
  return (
    <SettingsCard title="Vault and keychain" description="Secrets are encrypted with per-secret keys, wrapped by a key pair whose private key is sealed by the OS keychain." testId="settings-vault">
      {status.error && <ErrorAlert error={status.error} />}
      {!data && !status.error && <Skeleton h={140} />}
      {data && (
        <>
          <Facts
            rows={[
              ['Vault', <Badge key="v" color={statusColor(data.vault.state)} data-testid="vault-state">{data.vault.state}</Badge>],
              ['Keychain', <Group key="k" gap={6}><Badge color={data.keychain.ok ? 'teal' : 'red'} data-testid="keychain-state">{data.keychain.ok ? 'available' : 'unavailable'}</Badge><Text size="sm" c="dimmed">{data.keychain.backend}</Text></Group>],
              ['Key generation', data.vault.generation],
              ['Secrets stored', data.vault.secretCount],
              ['Created', formatTime(data.vault.createdAt)],
              ['Last rotated', data.vault.rotatedAt ? formatTime(data.vault.rotatedAt) : 'Never'],
            ]}
          />
          {!data.keychain.ok && <KeychainHelp message={data.keychain.message} />}
          {canManage && (
            <Group gap="xs">
              {data.vault.state === 'uninitialized' && (
                <Button leftSection={<IconLock size={16} />} onClick={() => void init()} loading={busy === 'init'} disabled={!data.keychain.ok} data-testid="vault-init">
                  Initialize vault
                </Button>
              )}
              <Button
                variant="default"
                leftSection={<IconRotate size={16} />}
                onClick={() => void rotate()}
                loading={busy === 'rotate'}
                disabled={data.vault.state !== 'ready'}
                data-testid="vault-rotate"
              >
                Rotate keys
              </Button>
            </Group>
          )}
        </>
      )}
    </SettingsCard>
  );
}
