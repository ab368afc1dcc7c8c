/**
 * The Playground's state, outside the component so a conversation survives visiting another page.
 * The API key is held here in memory only, for this window's life: never persisted, never sent
 * anywhere but to the core with each call.
 */
import { create } from 'zustand';
import type { CoreEvent } from '../../../main/core/transport';
import type { PlaygroundGateway, PlaygroundModel } from '../../../main/core/playground/types';
import { call, ClientError, getClient, toClientError } from '../../client';
import type { EventStatus } from '../../transports';
import { applyEvent, conversation, isStreaming, type Turn } from './transcript';

export type EndpointMode = 'cluster' | 'url';

interface PlaygroundState {
  /** A cluster's gateway (through its API server), or a URL typed in. */
  mode: EndpointMode;
  baseUrl: string;
  clusterId: string | null;
  /** Clusters whose gateway Foundry set up; loaded when the page opens. */
  gateways: PlaygroundGateway[];
  apiKey: string;
  /** The endpoint the model list came from; a changed endpoint or key needs Connect again. */
  connectedTo: { endpoint: string; apiKey: string } | null;
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
  set(patch: Partial<Pick<PlaygroundState, 'mode' | 'baseUrl' | 'clusterId' | 'apiKey' | 'model' | 'system' | 'temperature' | 'maxTokens' | 'error'>>): void;
  loadGateways(): Promise<void>;
  connect(): Promise<void>;
  send(text: string): Promise<boolean>;
  stop(): Promise<void>;
  clear(): void;
  /** Subscribes to this session's events while the page is open (and until a running answer ends). */
  attach(): () => void;
}

let seq = 0;
const nextId = () => `t${++seq}`;

/** The endpoint part of a Playground call, from the state. */
export function endpointOf(s: Pick<PlaygroundState, 'mode' | 'baseUrl' | 'clusterId'>): { baseUrl: string } | { clusterId: string } | null {
  if (s.mode === 'cluster') return s.clusterId ? { clusterId: s.clusterId } : null;
  return s.baseUrl.trim() ? { baseUrl: s.baseUrl } : null;
}

/** Identifies an endpoint, to tell whether the model list still belongs to what is selected. */
export const endpointKey = (s: Pick<PlaygroundState, 'mode' | 'baseUrl' | 'clusterId'>) => (s.mode === 'cluster' ? `cluster:${s.clusterId ?? ''}` : `url:${s.baseUrl}`);

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
    mode: 'url',
    baseUrl: 'http://127.0.0.1:8080',
    clusterId: null,
    gateways: [],
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

    async loadGateways() {
      try {
        const gateways = await call('playground:gateways', {});
        const s = get();
        const clusterId = gateways.some((g) => g.clusterId === s.clusterId) ? s.clusterId : (gateways[0]?.clusterId ?? null);
        // The first visit opens on a cluster's gateway when there is one; a choice the user made stays.
        const mode = s.connectedTo === null && s.turns.length === 0 && gateways.length > 0 ? 'cluster' : s.mode;
        set({ gateways, clusterId, mode });
      } catch (err) {
        set({ error: toClientError(err) });
      }
    },

    async connect() {
      const s = get();
      const endpoint = endpointOf(s);
      if (!endpoint) return;
      const { apiKey } = s;
      set({ connecting: true, error: null });
      try {
        const models = await call('playground:models', { ...endpoint, apiKey });
        const keep = models.some((m) => m.id === get().model);
        set({ models, connectedTo: { endpoint: endpointKey(s), apiKey }, model: keep ? get().model : (models[0]?.id ?? null) });
      } catch (err) {
        set({ error: toClientError(err), models: [], connectedTo: null });
      } finally {
        set({ connecting: false });
      }
    },

    async send(text) {
      const s = get();
      const endpoint = endpointOf(s);
      if (!endpoint || !s.model || !text.trim() || isStreaming(s.turns)) return false;
      const user: Turn = { id: nextId(), role: 'user', content: text.trim() };
      const messages = conversation(s.system, [...s.turns, user]);
      set({ error: null, turns: [...s.turns, user] });
      try {
        const { requestId, curl } = await call('playground:chat', {
          ...endpoint,
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
