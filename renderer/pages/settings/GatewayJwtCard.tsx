import { Badge, Button, Code, Group, Skeleton, Text } from '@mantine/core';
import { IconKey, IconPencil } from '@tabler/icons-react';
import { useState } from 'react';
import { call } from '../../client';
import { ConfirmByName } from '../../components/ConfirmByName';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../components/format';
import { notifyDone } from '../../components/notify';
import { useLoad } from '../../components/useLoad';
import { useCan } from '../../stores/abilities';
import { Facts, SettingsCard } from './SettingsCard';
import { GatewayJwtModal } from './GatewayJwtModal';
import { describeKey } from './jwt-form';

/** Settings → Gateway authentication: the JWT issuer every synced gateway trusts besides API keys. */
export function GatewayJwtCard() {
  const settings = useLoad(() => call('gatewayJwt:get', {}), 'gateway-jwt');
  const canManage = useCan('user:manage');
  const [editing, setEditing] = useState(false);
  const [disabling, setDisabling] = useState(false);
  const s = settings.data;

  const disable = async () => {
    await call('gatewayJwt:disable', { confirm: true });
    notifyDone('JWT authentication disabled', 'Gateways refuse JWTs after their next sync; API keys keep working.');
    await settings.reload();
  };

  return (
    <SettingsCard title="Gateway authentication" description="Besides Foundry's API keys, gateways can accept JWTs from your identity provider: the project and the models a token may use come from its claims." testId="settings-gateway-jwt">
      {settings.error && <ErrorAlert error={settings.error} />}
      {settings.loading && s === undefined && !settings.error && <Skeleton h={80} />}
      {s === null && (
        <Text size="sm" c="dimmed" data-testid="gateway-jwt-off">
          JWTs: <Badge color="gray">off</Badge> Gateways accept API keys only.
        </Text>
      )}
      {s && (
        <Facts
          rows={[
            ['JWTs', <Badge key="on" color="teal" data-testid="gateway-jwt-on">on</Badge>],
            ['Issuer', <span key="i" data-testid="gateway-jwt-issuer">{s.issuer}</span>],
            ['Audience', s.audience],
            ['Algorithms', s.algorithms.join(', ')],
            ['Key', <span key="k" data-testid="gateway-jwt-key">{describeKey(s)}</span>],
            ['Claims', <span key="c">project from <Code>{s.projectClaim}</Code>, models from <Code>{s.modelsClaim}</Code></span>],
            ['Clock tolerance', `${s.clockToleranceS} s`],
            ['Changed', `${formatTime(s.updatedAt)} by ${s.updatedBy}`],
          ]}
        />
      )}
      {canManage && s !== undefined && (
        <Group>
          <Button variant="default" leftSection={s ? <IconPencil size={16} /> : <IconKey size={16} />} onClick={() => setEditing(true)} data-testid="gateway-jwt-edit">
            {s ? 'Edit' : 'Set up JWT authentication'}
          </Button>
          {s && (
            <Button variant="outline" color="red" onClick={() => setDisabling(true)} data-testid="gateway-jwt-disable">
              Disable
            </Button>
          )}
        </Group>
      )}
      {s !== undefined && (
        <GatewayJwtModal
          opened={editing}
          onClose={() => setEditing(false)}
          current={s}
          onSaved={(r) => {
            notifyDone(r.change === 'enabled' ? 'JWT authentication enabled' : 'JWT settings saved', 'Synced gateways pick the change up automatically.');
            void settings.reload();
          }}
        />
      )}
      {s && (
        <ConfirmByName
          opened={disabling}
          onClose={() => setDisabling(false)}
          title="Disable gateway JWT authentication"
          name={s.issuer}
          consequence={
            <>
              Every token from <b>{s.issuer}</b> stops working on every gateway once it resyncs: services that call with JWTs lose access until JWTs are set up again.
              {s.keySource.kind === 'hs256' ? ' The stored HS256 secret is deleted.' : ''} API keys keep working.
            </>
          }
          confirmLabel="Disable JWTs"
          onConfirm={disable}
        />
      )}
    </SettingsCard>
  );
}
