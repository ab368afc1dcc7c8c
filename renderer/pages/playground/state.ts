/**
 * The Playground's state, outside the component so a conversation survives visiting another page.
 * The API key is held here in memory only, for this window's life: never persisted, never sent
 * anywhere but to the core with each call.
 */
import { create } from 'zustand';
import type { CoreEvent } from '../../../main/core/transport';
import type { PlaygroundModel } from '../../../main/core/playground/types';
import { call, ClientError, getClient, toClientError } from '../../client';
import type { EventStatus } from '../../transports';
import { applyEvent, conversation, isStreaming, type Turn } from './transcript';

interface PlaygroundState {
  baseUrl: string;
  apiKey: string;
  /** The endpoint the model list came from; a changed URL or key needs Connect again. */
  connectedTo: { baseUrl: string; apiKey: string } | null;
  models: PlaygroundModel[];
  model: string | null;
  system: string;
  temperature: number;
  maxTokens: number;
  turns: Turn[];
  connecting: boolean;
  /** Connect's or Send's own failure (an answer's failure sits on its turn). */
  error: ClientError | null;
  live: EventStatus | 'off';
  set(patch: Partial<Pick<PlaygroundState, 'baseUrl' | 'apiKey' | 'model' | 'system' | 'temperature' | 'maxTokens' | 'error'>>): void;
  connect(): Promise<void>;
  send(text: string): Promise<boolean>;
  stop(): Promise<void>;
  clear(): void;
  /** Subscribes to this session's events while the page is open (and until a running answer ends). */
  attach(): () => void;
}

let seq = 0;
const nextId = () => `t${++seq}`;

export const usePlayground = create<PlaygroundState>()((set, get) => {
  let off: (() => void) | null = null;
  let detachWhenIdle = false;

  const onEvent = (event: CoreEvent) => {
    if (event.kind !== 'playground') return;
    set({ turns: applyEvent(get().turns, event) });
    if (detachWhenIdle && !isStreaming(get().turns)) release();
  };
  const release = () => {
    off?.();
    off = null;
    detachWhenIdle = false;
    set({ live: 'off' });
  };

  return {
    baseUrl: 'http://127.0.0.1:8080',
    apiKey: '',
    connectedTo: null,
    models: [],
    model: null,
    system: '',
    temperature: 0.7,
    maxTokens: 512,
    turns: [],
    connecting: false,
    error: null,
    live: 'off',

    set: (patch) => set(patch),

    async connect() {
      const { baseUrl, apiKey } = get();
      set({ connecting: true, error: null });
      try {
        const models = await call('playground:models', { baseUrl, apiKey });
        const keep = models.some((m) => m.id === get().model);
        set({ models, connectedTo: { baseUrl, apiKey }, model: keep ? get().model : (models[0]?.id ?? null) });
      } catch (err) {
        set({ error: toClientError(err), models: [], connectedTo: null });
      } finally {
        set({ connecting: false });
      }
    },

    async send(text) {
      const s = get();
      if (!s.model || !text.trim() || isStreaming(s.turns)) return false;
      const user: Turn = { id: nextId(), role: 'user', content: text.trim() };
      const messages = conversation(s.system, [...s.turns, user]);
      set({ error: null, turns: [...s.turns, user] });
      try {
        const { requestId, curl } = await call('playground:chat', {
          baseUrl: s.baseUrl,
          apiKey: s.apiKey,
          model: s.model,
          messages,
          temperature: s.temperature,
          maxTokens: s.maxTokens,
        });
        set({ turns: [...get().turns, { id: nextId(), role: 'assistant', content: '', requestId, streaming: true, curl, model: s.model }] });
        return true;
      } catch (err) {
        // The question stays in the transcript with nothing after it; the error says why.
        set({ error: toClientError(err) });
        return false;
      }
    },

    async stop() {
      const turn = get().turns.find((t) => t.streaming);
      if (!turn?.requestId) return;
      try {
        await call('playground:cancel', { requestId: turn.requestId });
      } catch (err) {
        // It ended on its own between the click and the call: nothing to stop.
        const e = toClientError(err);
        if (e.code !== 'NOT_FOUND') set({ error: e });
      }
    },

    clear() {
      void get().stop();
      set({ turns: [], error: null });
    },

    attach() {
      detachWhenIdle = false;
      if (!off) off = getClient().onEvent(onEvent, (live) => set({ live }));
      return () => {
        if (isStreaming(get().turns)) detachWhenIdle = true;
        else release();
      };
    },
  };
});
