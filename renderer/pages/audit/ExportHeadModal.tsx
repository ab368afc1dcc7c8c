import { Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconCheck, IconCopy, IconDownload } from '@tabler/icons-react';
import type { ChannelOutput } from '../../../main/core/channels';

type Head = ChannelOutput<'audit:head'>;

function download(head: Head, json: string) {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `foundry-audit-head-${head.seq}.json`;
  a.click();
  // Revoke after the click has been handled, not synchronously, or some browsers cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The head hash, to anchor elsewhere (a ticket, a commit, a notary): later tampering then shows. */
export function ExportHeadModal({ head, onClose }: { head: Head | null; onClose(): void }) {
  const json = head ? JSON.stringify(head, null, 2) : '';
  return (
    <Modal opened={head !== null} onClose={onClose} title="Audit chain head" size="lg" data-testid="export-head-modal">
      <Stack gap="sm">
        <Text size="sm">Keep this somewhere Foundry cannot write. If an earlier record is ever changed, the chain will no longer end in this hash.</Text>
        <Code block data-testid="audit-head-json">
          {json}
        </Code>
        <Group justify="flex-end">
          <CopyButton value={json}>
            {({ copied, copy }) => (
              <Button variant="light" leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />} onClick={copy} color={copied ? 'teal' : undefined}>
                {copied ? 'Copied' : 'Copy JSON'}
              </Button>
            )}
          </CopyButton>
          <Button leftSection={<IconDownload size={16} />} onClick={() => head && download(head, json)}>
            Download
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
