import { Center, EmptyState } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';

/** In place of a page the signed-in role may not use; `description` names the permission it needs. */
export function NotAvailableToRole({ description }: { description: string }) {
  return (
    <Center mih={400}>
      <EmptyState icon={<IconLock size={32} />} variant="light" title="Not available to your role" description={description} />
    </Center>
  );
}
