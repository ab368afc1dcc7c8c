import type { PlaygroundStats } from '../../../main/core/playground/types';

const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : n >= 10 ? `${Math.round(n)} ms` : `${n.toFixed(1)} ms`);

/** The stats line under an answer, as labelled parts: TTFT, tok/s, tokens, total, overhead. */
export function statParts(s: PlaygroundStats): { label: string; value: string; title: string }[] {
  const parts = [
    { label: 'TTFT', value: s.ttftMs === null ? '—' : ms(s.ttftMs), title: 'Time to first token: from sending to the first text' },
    { label: 'tok/s', value: s.tokensPerSecond === null ? '—' : s.tokensPerSecond.toFixed(1), title: 'Output tokens per second after the first token (decode)' },
    {
      label: 'tokens',
      value: s.promptTokens === null ? `${s.outputTokens}` : `${s.promptTokens} → ${s.outputTokens}`,
      title: s.tokensFrom === 'usage' ? 'Prompt → output tokens, from the answer’s usage' : 'Output chunks counted (the answer reported no usage)',
    },
    { label: 'total', value: ms(s.totalMs), title: 'From sending to the end of the answer' },
  ];
  if (s.overheadMs !== null) parts.push({ label: 'gateway', value: ms(s.overheadMs), title: 'Time spent inside the gateway (x-foundry-overhead-ms)' });
  return parts;
}
