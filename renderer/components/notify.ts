import { notifications } from '@mantine/notifications';
import { toClientError } from '../client';

/** Reports a failed action in a toast: the core's message and hint, never a stack. */
export function notifyError(title: string, err: unknown): void {
  const e = toClientError(err);
  notifications.show({ color: 'red', title, message: e.hint ? `${e.message} ${e.hint}` : e.message, autoClose: 8000 });
}

export function notifyDone(title: string, message?: string): void {
  notifications.show({ color: 'teal', title, message: message ?? '', autoClose: 3000 });
}
