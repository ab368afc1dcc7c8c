import { Agent, request, type Dispatcher } from 'undici';
import { FoundryError, notFound, toFoundryError } from '../errors';
import { newId } from '../access/tokens';
import type { CoreEventBus } from '../events';
import type { ClusterService } from '../clusters/service';
import { chatBody, curlCommand } from './endpoint';
import { callHeaders, createTargetResolver, type EndpointRef, type ResolvedTarget } from './targets';
import { listModels } from './models';
import { createSseReader } from './sse';
import { createStatsRecorder } from './stats';
import { readErrorBody, scrub } from './upstream-errors';
import type { ChatMessage, ChatStarted, PlaygroundEvent, PlaygroundModel } from './types';

/**
 * Chats with a gateway endpoint the user names (a URL, or an imported cluster's gateway through its
 * API server, see targets.ts). The API key lives only in this call's memory: it
 * is not stored, not logged, not in any event or error (upstream messages are scrubbed of it), and
 * the chat channels are not audited, so no prompt reaches the audit chain either. Answers stream
 * to the session that asked, as bus events.
 */

export type Endpoint = EndpointRef;

export interface ChatInput extends Endpoint {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
}

const MAX_ACTIVE = 16;

export function createPlaygroundService({ bus, clusters }: { bus: CoreEventBus; clusters: ClusterService }) {
  // Timeouts: connect and first byte bounded; between chunks a slow model may think a while.
  const agent = new Agent({ connect: { timeout: 10_000 }, headersTimeout: 60_000, bodyTimeout: 120_000 });
  const resolveTarget = createTargetResolver({ clusters, sharedAgent: agent });
  const active = new Map<string, { session: string; controller: AbortController }>();

  async function models(ref: Endpoint): Promise<PlaygroundModel[]> {
    const target = await resolveTarget(ref);
    try {
      return await listModels(target);
    } finally {
      await target.release();
    }
  }

  const publish = (session: string, event: Omit<PlaygroundEvent, 'kind'>) =>
    bus.publish({ kind: 'playground', ...event }, { permission: 'playground:use', session });

  async function stream(requestId: string, session: string, input: ChatInput, target: ResolvedTarget, controller: AbortController): Promise<void> {
    const stats = createStatsRecorder();
    const body = chatBody(input);
    let res: Dispatcher.ResponseData | undefined;
    try {
      try {
        res = await request(`${target.baseUrl}/v1/chat/completions`, {
          method: 'POST',
          dispatcher: target.dispatcher,
          headers: { ...callHeaders(target), 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: controller.signal,
        });
      } catch (err) {
        throw controller.signal.aborted ? err : target.unreachable(err);
      }
      stats.headers(res.headers);
      if (res.statusCode !== 200) {
        const text = await readErrorBody(res.body);
        throw target.failure(res.statusCode, text, res.headers['retry-after'], input.model);
      }
      const reader = createSseReader();
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        const piece = reader.push(decoder.decode(chunk as Uint8Array, { stream: true }));
        stats.content(piece.contentChunks);
        if (piece.usage) stats.usage(piece.usage);
        if (piece.finishReason) stats.finish(piece.finishReason);
        if (piece.guardrail) stats.guardrail(piece.guardrail);
        if (piece.content) publish(session, { requestId, delta: piece.content });
        if (piece.error) {
          throw new FoundryError({ code: 'FAILED_PRECONDITION', message: `The answer broke off: ${scrub(piece.error, input.apiKey).slice(0, 300)}`, hint: 'Send again; if it keeps happening, check the deployment behind the gateway.' });
        }
      }
      publish(session, { requestId, done: true, stats: stats.result() });
    } catch (err) {
      res?.body.destroy();
      if (controller.signal.aborted) {
        publish(session, { requestId, done: true, cancelled: true, stats: stats.result() });
        return;
      }
      const error = err instanceof FoundryError ? err : target.unreachable(err);
      publish(session, { requestId, done: true, error: { ...error.toJSON(), message: scrub(error.message, input.apiKey) }, stats: stats.result() });
    }
  }

  return {
    models,

    /** Starts an answer and returns once the endpoint is resolved; its text and stats follow as events to `session`. */
    async chat(input: ChatInput, session: string): Promise<ChatStarted> {
      if (active.size >= MAX_ACTIVE) {
        throw new FoundryError({ code: 'RATE_LIMITED', message: `${MAX_ACTIVE} Playground answers are already streaming.`, hint: 'Stop one, or wait for it to end.' });
      }
      const target = await resolveTarget(input);
      const requestId = newId('chat');
      const controller = new AbortController();
      active.set(requestId, { session, controller });
      void stream(requestId, session, input, target, controller).finally(() => {
        active.delete(requestId);
        void target.release();
      });
      return { requestId, curl: curlCommand(target.howToCall, chatBody(input)) };
    },

    /** Stops an answer; only the session that started it may. */
    cancel(requestId: string, session: string): { cancelled: boolean } {
      const entry = active.get(requestId);
      if (!entry || entry.session !== session) {
        throw notFound(`Playground request ${requestId}`, 'It may have finished already.');
      }
      entry.controller.abort();
      return { cancelled: true };
    },

    activeCount: () => active.size,

    async close(): Promise<void> {
      for (const { controller } of active.values()) controller.abort();
      await agent.close().catch((err: unknown) => toFoundryError(err));
    },
  };
}

export type PlaygroundService = ReturnType<typeof createPlaygroundService>;
