import { useCallback, useState } from 'react';
import type { ClientError } from '../client';
import { byTopField, fieldErrors, useFreshFieldErrors } from './field-errors';
import type { LimitField, LimitValue } from './limits';

export type LimitValues = Record<LimitField, LimitValue>;

const NONE: LimitValues = { requestsPerMinute: '', tokensPerMinute: '', monthlyTokenBudget: '' };

/**
 * The three limits of a form that edits only limits, with the server's field errors, each gone once
 * its field is edited. `change` is what LimitFields calls; `setValues` loads a subject's limits.
 */
export function useLimitValues(error: ClientError | null, initial: LimitValues = NONE) {
  const [values, setValues] = useState<LimitValues>(initial);
  const [errors, markEdited] = useFreshFieldErrors(fieldErrors(error, byTopField), error);
  const change = useCallback(
    (field: LimitField, value: LimitValue) => {
      setValues((prev) => ({ ...prev, [field]: value }));
      markEdited([field]);
    },
    [markEdited],
  );
  return { values, setValues, change, errors };
}
