import { Center, EmptyState } from '@mantine/core';
import type { ReactNode } from 'react';

interface Props {
  testId: string;
  icon: ReactNode;
  title: string;
  description: ReactNode;
  /** Buttons under the description (EmptyState.Actions wraps them); none where the user can do nothing here. */
  actions?: ReactNode;
}

/** A whole page's empty state: what belongs here and, if the user may, the first step. */
export function PageEmptyState({ testId, icon, title, description, actions }: Props) {
  return (
    <Center mih={420} data-testid={testId}>
      <EmptyState icon={icon} variant="light" size="lg" title={title} description={description} maw={560}>
        {actions && <EmptyState.Actions>{actions}</EmptyState.Actions>}
      </EmptyState>
    </Center>
  );
}
