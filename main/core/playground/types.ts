/** What the Playground's channels and events carry. Type-only: the renderer imports it. */
import type { FoundryErrorShape } from '../errors';

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

/** An imported cluster whose Foundry gateway the Playground can reach through the API server. */
export interface PlaygroundGateway {
  clusterId: string;
  name: string;
  namespace: string;
  /** When Foundry installed the gateway workload there; null when only the config was synced. */
  installedAt: string | null;
  state: string;
}

export interface PlaygroundModel {
  id: string;
  ownedBy: string | null;
}

/** Measured for one answer; null where the answer gave nothing to measure (e.g. stopped before a token). */
export interface PlaygroundStats {
  /** ms from sending the request to the first content delta. */
  ttftMs: number | null;
  /** From the answer's usage when the gateway sent it, else the number of content chunks. */
  outputTokens: number;
  promptTokens: number | null;
  /** Where outputTokens came from. */
  tokensFrom: 'usage' | 'chunks';
  /** Output tokens per second over the decode phase (first to last content delta). */
  tokensPerSecond: number | null;
  totalMs: number;
  /** The gateway's own time (x-foundry-overhead-ms), when it said. */
  overheadMs: number | null;
  traceId: string | null;
  finishReason: string | null;
  /**
   * What the gateway's guardrails did to this exchange (`<action>:<direction>:<rule>, …`), null
   * when nothing: the `x-foundry-guardrail` header, replaced by the stream's closing report (which
   * adds the output's redactions) when the stream sends one.
   */
  guardrail: string | null;
}

export type PlaygroundEvent = {
  kind: 'playground';
  requestId: string;
  /** Text to append to the answer. */
  delta?: string;
  /** The last event of a request; carries stats (also after a stop or an error that came mid-answer). */
  done?: boolean;
  /** Set on done when the user stopped the answer. */
  cancelled?: boolean;
  error?: FoundryErrorShape;
  stats?: PlaygroundStats;
};

export interface ChatStarted {
  requestId: string;
  /** The same request as a curl command, with the key left to $FOUNDRY_API_KEY. */
  curl: string;
}
