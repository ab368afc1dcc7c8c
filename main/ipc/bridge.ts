import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNEL_NAMES } from '../core/channel-names';
import { FoundryError, fail } from '../core/errors';
import type { Core } from '../core/core';
import { IPC, type CallEnvelope } from '../core/transport';
import { openEventStream } from '../core/events';

/**
 * Electron's transport over the channel table: one IPC handler per channel. Every call is checked
 * to come from our own renderer's top frame; anything else (an iframe, a navigated-away page,
 * another window) gets FORBIDDEN without reaching the core.
 */

export type SenderCheck = (frameUrl: string | undefined, isTopFrame: boolean) => boolean;

export function registerIpc(ipcMain: IpcMain, core: Core, trusted: SenderCheck): () => void {
  const check = (event: { senderFrame?: { url: string; parent: unknown } | null }) => {
    const frame = event.senderFrame;
    return !!frame && trusted(frame.url, frame.parent === null);
  };

  for (const name of CHANNEL_NAMES) {
    ipcMain.handle(`${IPC.callPrefix}${name}`, async (event: IpcMainInvokeEvent, envelope: CallEnvelope | undefined) => {
      if (!check(event)) {
        return fail(new FoundryError({ code: 'FORBIDDEN', message: 'This window may not call Foundry.' }));
      }
      return core.dispatcher.call(name, envelope?.input, { token: typeof envelope?.session === 'string' ? envelope.session : undefined, transport: 'ipc' });
    });
  }

  const subscriptions = new Map<WebContents, () => void>();
  ipcMain.on(IPC.eventsSubscribe, (event, session: unknown) => {
    if (!check(event)) return;
    subscriptions.get(event.sender)?.();
    subscriptions.delete(event.sender);
    const sender = event.sender;
    // The bus decides what this session may see: job progress by permission, Playground answers only here.
    const unsubscribe = openEventStream(core.services, typeof session === 'string' ? session : undefined, (e) => {
      if (!sender.isDestroyed()) sender.send(IPC.eventsChannel, e);
    });
    if (!unsubscribe) return;
    subscriptions.set(sender, unsubscribe);
    sender.once('destroyed', () => {
      unsubscribe();
      subscriptions.delete(sender);
    });
  });

  return () => {
    for (const name of CHANNEL_NAMES) ipcMain.removeHandler(`${IPC.callPrefix}${name}`);
    ipcMain.removeAllListeners(IPC.eventsSubscribe);
    for (const unsubscribe of subscriptions.values()) unsubscribe();
  };
}
