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
  if (s.guardrail) parts.push({ label: 'guardrails', value: guardrailSummary(s.guardrail), title: `What the project's guardrail profile did: ${s.guardrail}` });
  return parts;
}

/** `redact:input:pii.email, redact:output:pii.card` → `redacted pii.email (prompt), pii.card (answer)`. */
export function guardrailSummary(report: string): string {
  const byAction = new Map<string, string[]>();
  for (const entry of report.split(',')) {
    const [action, direction, ...rule] = entry.trim().split(':');
    if (!action || !direction || rule.length === 0) continue;
    const where = direction === 'input' ? 'prompt' : direction === 'output' ? 'answer' : direction;
    const list = byAction.get(action) ?? [];
    list.push(`${rule.join(':')} (${where})`);
    byAction.set(action, list);
  }
  if (byAction.size === 0) return report;
  return [...byAction].map(([action, rules]) => `${action === 'block' ? 'blocked' : action === 'redact' ? 'redacted' : action} ${rules.join(', ')}`).join('; ');
}
