import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * A modal's form held as one object: rebuilt by `initial` whenever the modal opens or the item it edits
 * changes (`subject`), with `set` merging a patch. `onOpen` clears what the last opening left (an error).
 */
export function useModalForm<F>(opened: boolean, subject: unknown, initial: () => F, onOpen: () => void): [F, (patch: Partial<F>) => void] {
  const [form, setForm] = useState<F>(initial);
  // The latest callbacks, so a new function identity on each render does not reset the form.
  const latest = useRef({ initial, onOpen });
  latest.current = { initial, onOpen };

  useEffect(() => {
    if (!opened) return;
    setForm(latest.current.initial());
    latest.current.onOpen();
  }, [opened, subject]);

  const set = useCallback((patch: Partial<F>) => setForm((f) => ({ ...f, ...patch })), []);
  return [form, set];
}
