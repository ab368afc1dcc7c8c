import { Button, Card, Grid, ScrollArea, Stack } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useEffect } from 'react';
import { NotAvailableToRole } from '../components/NotAvailableToRole';
import { PageHeader } from '../components/PageHeader';
import { useCan } from '../stores/abilities';
import { Composer } from './playground/Composer';
import { EndpointPanel } from './playground/EndpointPanel';
import { Transcript } from './playground/Transcript';
import { usePlayground } from './playground/state';
import { isStreaming } from './playground/transcript';

export function PlaygroundPage() {
  const canUse = useCan('playground:use');
  const s = usePlayground();
  const attach = usePlayground((st) => st.attach);
  useEffect(() => (canUse ? attach() : undefined), [canUse, attach]);
  const loadGateways = usePlayground((st) => st.loadGateways);
  useEffect(() => {
    if (canUse) void loadGateways();
  }, [canUse, loadGateways]);
  const streaming = isStreaming(s.turns);
  const blocked = !s.model ? 'Connect and pick a model first' : s.live !== 'open' ? 'Connecting to Foundry’s event stream…' : null;

  const header = (
    <PageHeader
      title="Playground"
      description="Chat with an endpoint through its gateway; every answer shows its time to first token, tokens per second and the request as curl."
      actions={
        canUse && (
          <Button variant="default" leftSection={<IconTrash size={14} />} onClick={s.clear} disabled={s.turns.length === 0} data-testid="playground-clear">
            Clear
          </Button>
        )
      }
    />
  );
  if (!canUse) {
    return (
      <>
        {header}
        <NotAvailableToRole description="The Playground needs the playground:use permission; an admin can change your role." />
      </>
    );
  }

  return (
    <>
      {header}
      <Grid gap="md" align="flex-start">
        <Grid.Col span={{ base: 12, md: 4, xl: 3 }}>
          <EndpointPanel />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8, xl: 9 }}>
          <Card withBorder padding="md" data-testid="playground-chat">
            <Stack gap="sm">
              <ScrollArea.Autosize mah="calc(100vh - 360px)" offsetScrollbars type="auto">
                <Transcript turns={s.turns} />
              </ScrollArea.Autosize>
              <Composer canSend={blocked === null} streaming={streaming} blocked={blocked} onSend={s.send} onStop={() => void s.stop()} />
            </Stack>
          </Card>
        </Grid.Col>
      </Grid>
    </>
  );
}
