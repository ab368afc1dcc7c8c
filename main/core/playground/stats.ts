import type { PlaygroundStats } from './types';

export interface AnswerTiming {
  /** From sending the request to the first content delta; null when no content came. */
  ttftMs: number | null;
  /** From the first content delta to the last. */
  decodeMs: number;
  /** From the answer's usage when the server sent it, else the number of content chunks. */
  outputTokens: number;
  promptTokens: number | null;
  tokensFrom: 'usage' | 'chunks';
}

/** Collects the timings of one answer; `now` is injectable so the arithmetic can be tested alone. */
export function createStatsRecorder(now: () => number = () => performance.now()) {
  const sentAt = now();
  let firstContentAt: number | null = null;
  let lastContentAt: number | null = null;
  let chunks = 0;
  let usage: { promptTokens: number | null; completionTokens: number | null } | null = null;
  let overheadMs: number | null = null;
  let traceId: string | null = null;
  let finishReason: string | null = null;
  let guardrail: string | null = null;

  function timing(): AnswerTiming {
    const fromUsage = usage?.completionTokens ?? null;
    return {
      ttftMs: firstContentAt === null ? null : firstContentAt - sentAt,
      // The first token arrives at TTFT; the rest are the decode phase.
      decodeMs: firstContentAt !== null && lastContentAt !== null ? lastContentAt - firstContentAt : 0,
      outputTokens: fromUsage ?? chunks,
      promptTokens: usage?.promptTokens ?? null,
      tokensFrom: fromUsage === null ? 'chunks' : 'usage',
    };
  }

  return {
    headers(h: Record<string, string | string[] | undefined>) {
      const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
      const overhead = Number.parseFloat(first(h['x-foundry-overhead-ms']) ?? '');
      overheadMs = Number.isFinite(overhead) ? overhead : null;
      traceId = first(h['x-foundry-trace-id'])?.slice(0, 128) ?? null;
      guardrail = first(h['x-foundry-guardrail'])?.slice(0, 500) || null;
    },
    /** The stream's closing guardrail report: the complete list, so it replaces the header's. */
    guardrail(report: string) {
      guardrail = report.slice(0, 500);
    },
    content(contentChunks: number) {
      if (contentChunks === 0) return;
      const t = now();
      firstContentAt ??= t;
      lastContentAt = t;
      chunks += contentChunks;
    },
    usage(u: { promptTokens: number | null; completionTokens: number | null }) {
      usage = u;
    },
    finish(reason: string) {
      finishReason = reason;
    },
    /** The answer's timing unrounded, for measuring (the optimizer's load test): what result() shows, at full precision. */
    timing,
    result(): PlaygroundStats {
      const end = now();
      const t = timing();
      // Count the tokens after the first: they are the decode phase.
      const tokensPerSecond = t.outputTokens > 1 && t.decodeMs > 0 ? ((t.outputTokens - 1) * 1000) / t.decodeMs : null;
      return {
        ttftMs: t.ttftMs === null ? null : round(t.ttftMs),
        outputTokens: t.outputTokens,
        promptTokens: t.promptTokens,
        tokensFrom: t.tokensFrom,
        tokensPerSecond: tokensPerSecond === null ? null : round(tokensPerSecond),
        totalMs: round(end - sentAt),
        overheadMs,
        traceId,
        finishReason,
        guardrail,
      };
    },
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
