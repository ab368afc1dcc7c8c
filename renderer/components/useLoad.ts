import { useCallback, useEffect, useRef, useState } from 'react';
import { toClientError, type ClientError } from '../client';

export interface Loaded<T> {
  data: T | undefined;
  error: ClientError | null;
  loading: boolean;
  reload(): Promise<void>;
}

/**
 * Runs a read channel when `key` changes and keeps the latest answer. Answers that arrive after a
 * newer request started are dropped, so a quick project switch never shows the wrong project's data.
 */
export function useLoad<T>(load: (() => Promise<T>) | null, key: string): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ClientError | null>(null);
  const [loading, setLoading] = useState(load !== null);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const fn = loadRef.current;
    const ticket = ++latest.current;
    if (!fn) {
      setData(undefined);
      setLoading(false);
      return;
    }
    setLoading(true);
    try {
      const value = await fn();
      if (ticket === latest.current) {
        setData(value);
        setError(null);
      }
    } catch (err) {
      if (ticket === latest.current) setError(toClientError(err));
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [key, reload]);

  return { data, error, loading, reload };
}
