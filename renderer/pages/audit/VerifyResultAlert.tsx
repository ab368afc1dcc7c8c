import { Alert, Code, Text } from '@mantine/core';
import { IconShieldCheck, IconShieldX } from '@tabler/icons-react';
import type { VerifyResult } from '../../../main/core/audit/chain';

export function VerifyResultAlert({ result, onClose }: { result: VerifyResult; onClose(): void }) {
  if (result.ok) {
    return (
      <Alert color="teal" icon={<IconShieldCheck size={18} />} title="Chain verified" withCloseButton onClose={onClose} data-testid="verify-ok">
        <Text size="sm">
          All {result.count} records link up and their hashes match. Head hash <Code>{result.headHash}</Code>
        </Text>
      </Alert>
    );
  }
  return (
    <Alert color="red" icon={<IconShieldX size={18} />} title={`Chain broken at record ${result.brokenAt}`} withCloseButton onClose={onClose} data-testid="verify-broken">
      <Text size="sm" c="red">
        {result.reason}. {result.count} records before it verified. Someone or something changed the audit log outside Foundry: restore the database from a backup
        and compare with your exported head hash.
      </Text>
    </Alert>
  );
}
