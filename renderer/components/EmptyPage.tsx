import { Button, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { PageEmptyState } from './PageEmptyState';
import { PageHeader } from './PageHeader';

interface Props {
  title: string;
  icon: ReactNode;
  headline: string;
  description: ReactNode;
  /** The first action this page will offer; shown disabled until its feature lands. */
  actionLabel?: string;
  /** An action that already works elsewhere (e.g. importing a cluster); shown enabled instead. */
  action?: { label: string; onClick: () => void; testId: string };
  testId: string;
}

/** An honest page for a feature that is not built yet: what will be here, and no fake data. */
export function EmptyPage({ title, icon, headline, description, actionLabel, action, testId }: Props) {
  return (
    <>
      <PageHeader title={title} />
      <PageEmptyState
        testId={testId}
        icon={icon}
        title={headline}
        description={description}
        actions={
          action ? (
            <Button onClick={action.onClick} data-testid={action.testId}>
              {action.label}
            </Button>
          ) : (
            actionLabel && (
              <>
                <Button disabled>{actionLabel}</Button>
                <Text size="xs" c="dimmed">
                  Not available in this version yet.
                </Text>
              </>
            )
          )
        }
      />
    </>
  );
}
