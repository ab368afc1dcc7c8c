import { Code, Skeleton } from '@mantine/core';
import { call } from '../../client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useLoad } from '../../components/useLoad';
import { Facts, SettingsCard } from './SettingsCard';

export function SystemCard() {
  const info = useLoad(() => call('system:info', {}), 'system');
  return (
    <SettingsCard title="About this installation" description="Where Foundry keeps its data. Back up the data folder to keep users, secrets and the audit chain." testId="settings-system">
      {info.error && <ErrorAlert error={info.error} />}
      {info.data ? (
        <Facts
          rows={[
            ['Version', info.data.version],
            ['Data folder', <Code key="d">{info.data.dataDir}</Code>],
            ['Database', <Code key="b">{info.data.databasePath}</Code>],
            ['Schema version', info.data.schemaVersion],
            ['Platform', `${info.data.platform} · Node ${info.data.node}`],
          ]}
        />
      ) : (
        !info.error && <Skeleton h={110} />
      )}
    </SettingsCard>
  );
}
