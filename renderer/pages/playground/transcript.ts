/** Pure bookkeeping for the Playground transcript: turns, and answers growing as events arrive. */
import type { FoundryErrorShape } from '../../../main/core/errors';
import type { ChatMessage, PlaygroundEvent, PlaygroundStats } from '../../../main/core/playground/types';

export interface Turn {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** Assistant turns: the request that streams into them. */
  requestId?: string;
  streaming?: boolean;
  cancelled?: boolean;
  stats?: PlaygroundStats;
  error?: FoundryErrorShape;
  /** The request that produced this answer, as curl with the key masked. */
  curl?: string;
  model?: string;
}

/** Applies one event to the turn it belongs to; events for other requests leave the list as it is. */
export function applyEvent(turns: readonly Turn[], event: PlaygroundEvent): Turn[] {
  const i = turns.findIndex((t) => t.requestId === event.requestId);
  if (i < 0) return turns as Turn[];
  const turn = turns[i]!;
  const next: Turn = { ...turn, content: turn.content + (event.delta ?? '') };
  if (event.done) {
    next.streaming = false;
    if (event.stats) next.stats = event.stats;
    if (event.cancelled) next.cancelled = true;
    if (event.error) next.error = event.error;
  }
  const out = turns.slice();
  out[i] = next;
  return out;
}

/**
 * What is sent for the next answer: the system prompt, then the conversation so far. Answers that
 * failed or were stopped before any text are left out, so a retry does not carry empty turns.
 */
export function conversation(system: string, turns: readonly Turn[]): ChatMessage[] {
  const messages: ChatMessage[] = system.trim() ? [{ role: 'system', content: system.trim() }] : [];
  for (const t of turns) {
    if (t.role === 'assistant' && (t.streaming || t.content === '')) continue;
    messages.push({ role: t.role, content: t.content });
  }
  return messages;
}

export const isStreaming = (turns: readonly Turn[]) => turns.some((t) => t.streaming);
