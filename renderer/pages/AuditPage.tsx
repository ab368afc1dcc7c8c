import { Button, Center, Group, Select, Stack, Text } from '@mantine/core';
import { IconDownload, IconRefresh, IconShieldCheck } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { CHANNEL_NAMES } from '../../main/core/channel-names';
import type { ChannelOutput } from '../../main/core/channels';
import type { AuditRecord, VerifyResult } from '../../main/core/audit/chain';
import { call, toClientError, type ClientError } from '../client';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { notifyError } from '../components/notify';
import { AuditTable } from './audit/AuditTable';
import { ExportHeadModal } from './audit/ExportHeadModal';
import { VerifyResultAlert } from './audit/VerifyResultAlert';

const PAGE = 50;
// Actions are channel names, plus the failed sign-ins the core records on its own.
const ACTIONS = [...CHANNEL_NAMES, 'auth:signIn.failed'].sort();

export function AuditPage() {
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  const [action, setAction] = useState<string | null>(null);
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [head, setHead] = useState<ChannelOutput<'audit:head'> | null>(null);
  const ticket = useRef(0);

  /** Loads the newest page, or the page before `beforeSeq`; stale answers are dropped. */
  const loadPage = useCallback(
    async (beforeSeq?: number) => {
      const mine = ++ticket.current;
      setLoading(true);
      try {
        const page = await call('audit:list', { limit: PAGE, beforeSeq, action: action ?? undefined });
        if (mine !== ticket.current) return;
        setRecords((old) => (beforeSeq ? [...old, ...page] : page));
        setMore(page.length === PAGE);
        setError(null);
      } catch (err) {
        if (mine === ticket.current) setError(toClientError(err));
      } finally {
        if (mine === ticket.current) setLoading(false);
      }
    },
    [action],
  );

  useEffect(() => {
    void loadPage();
  }, [loadPage]);

  const runVerify = async () => {
    setVerifying(true);
    try {
      setVerify(await call('audit:verify', {}));
    } catch (err) {
      notifyError('Could not verify the chain', err);
    } finally {
      setVerifying(false);
    }
  };

  const exportHead = async () => {
    try {
      setHead(await call('audit:head', {}));
    } catch (err) {
      notifyError('Could not read the chain head', err);
    }
  };

  return (
    <>
      <PageHeader
        title="Audit"
        description="Every change is appended to a hash chain: editing, deleting or reordering a record breaks it."
        actions={
          <>
            <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => void exportHead()} data-testid="audit-export-head">
              Export head
            </Button>
            <Button leftSection={<IconShieldCheck size={16} />} loading={verifying} onClick={() => void runVerify()} data-testid="audit-verify">
              Verify chain
            </Button>
          </>
        }
      />
      <Stack gap="sm">
        {verify && <VerifyResultAlert result={verify} onClose={() => setVerify(null)} />}
        <Group gap="sm">
          <Select placeholder="All actions" data={ACTIONS} value={action} onChange={setAction} clearable searchable w={260} aria-label="Filter by action" />
          <Button variant="subtle" leftSection={<IconRefresh size={16} />} onClick={() => void loadPage()} loading={loading && records.length === 0}>
            Refresh
          </Button>
          <Text size="xs" c="dimmed">
            Newest first · {records.length} shown
          </Text>
        </Group>
        {error && <ErrorAlert error={error} />}
        <AuditTable records={records} />
        {more && (
          <Center>
            <Button variant="default" loading={loading} onClick={() => void loadPage(records.at(-1)?.seq)} data-testid="audit-older">
              Load older records
            </Button>
          </Center>
        )}
      </Stack>
      <ExportHeadModal head={head} onClose={() => setHead(null)} />
    </>
  );
}
