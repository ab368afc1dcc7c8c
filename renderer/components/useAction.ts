import { useState } from 'react';
import { toClientError, type ClientError } from '../client';

export interface RunOptions {
  /** Sign-in and setup leave the page when they succeed, so the button keeps spinning until it goes. */
  keepBusyOnSuccess?: boolean;
  /** Reports the failure another way (a toast) instead of in `error`. */
  onError?(err: unknown): void;
}

/**
 * The state around one user action that calls the core: `busy` while it runs, and the failure as
 * a ClientError (message and hint, never a stack) for an ErrorAlert.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);

  const run = async (fn: () => Promise<unknown>, options: RunOptions = {}): Promise<void> => {
    setBusy(true);
    setError(null);
    let succeeded = false;
    try {
      await fn();
      succeeded = true;
    } catch (err) {
      if (options.onError) options.onError(err);
      else setError(toClientError(err));
    } finally {
      if (!(succeeded && options.keepBusyOnSuccess)) setBusy(false);
    }
  };

  return { busy, error, setError, run };
}
