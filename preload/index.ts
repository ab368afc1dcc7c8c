import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_NAMES } from '../main/core/channel-names';
import { IPC, type CallEnvelope, type CoreEvent, type PreloadApi } from '../main/core/transport';

/**
 * The only bridge between the page and the core: one function per channel, plus an event
 * subscription whose listener receives the event data, never Electron's event object (which
 * carries the sender). There is deliberately no generic `invoke`.
 */
const channels = Object.fromEntries(
  CHANNEL_NAMES.map((name) => [name, (envelope: CallEnvelope) => ipcRenderer.invoke(`${IPC.callPrefix}${name}`, { session: envelope?.session, input: envelope?.input })]),
) as PreloadApi['channels'];

const api: PreloadApi = {
  channels,
  onEvent(session, listener) {
    const handler = (_event: unknown, data: CoreEvent) => listener(data);
    ipcRenderer.on(IPC.eventsChannel, handler);
    ipcRenderer.send(IPC.eventsSubscribe, session);
    return () => {
      ipcRenderer.removeListener(IPC.eventsChannel, handler);
    };
  },
};

contextBridge.exposeInMainWorld('foundry', Object.freeze(api));
