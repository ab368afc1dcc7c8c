import { describe, expect, it } from 'vitest';
import { applyEvent, conversation, type Turn } from './transcript';
import { guardrailSummary, statParts } from './format';

const stats = { ttftMs: 42.5, outputTokens: 12, promptTokens: 3, tokensFrom: 'usage' as const, tokensPerSecond: 180.26, totalMs: 1234, overheadMs: 0.4, traceId: 't', finishReason: 'stop', guardrail: null };

describe('playground transcript', () => {
  it('grows the answer its request streams into and ends it with stats', () => {
    let turns: Turn[] = [
      { id: '1', role: 'user', content: 'hi' },
      { id: '2', role: 'assistant', content: '', requestId: 'r', streaming: true },
    ];
    turns = applyEvent(turns, { kind: 'playground', requestId: 'r', delta: 'Hel' });
    turns = applyEvent(turns, { kind: 'playground', requestId: 'other', delta: 'x' });
    turns = applyEvent(turns, { kind: 'playground', requestId: 'r', delta: 'lo', done: true, stats });
    expect(turns[1]).toMatchObject({ content: 'Hello', streaming: false, stats });
  });

  it('sends the system prompt and the finished turns, not empty or failed answers', () => {
    const turns: Turn[] = [
      { id: '1', role: 'user', content: 'a' },
      { id: '2', role: 'assistant', content: '', error: { code: 'FORBIDDEN', message: 'no' } },
      { id: '3', role: 'user', content: 'b' },
    ];
    expect(conversation(' be brief ', turns)).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ]);
  });

  it('formats the stats line with units', () => {
    expect(statParts(stats).map((p) => `${p.label} ${p.value}`)).toEqual(['TTFT 43 ms', 'tok/s 180.3', 'tokens 3 → 12', 'total 1234 ms', 'gateway 0.4 ms']);
  });

  it("adds what the guardrails did, in words, when they did something", () => {
    const parts = statParts({ ...stats, guardrail: 'redact:input:pii.email, redact:output:pii.card, block:output:rule.secret' });
    expect(parts.at(-1)).toMatchObject({ label: 'guardrails', value: 'redacted pii.email (prompt), pii.card (answer); blocked rule.secret (answer)' });
    expect(parts.at(-1)!.title).toContain('redact:input:pii.email');
    expect(guardrailSummary('something unexpected')).toBe('something unexpected');
  });
});
