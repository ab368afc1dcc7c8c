// Micro-benchmark (not a test): what guardrails and the response cache add per request, on this
// machine, in-process. Run: npx tsx gateway/bench/guardrails.ts
import { cacheKey, ResponseCache } from '../src/cache/response-cache';
import { guardrailProfileSchema } from '../src/config/schema';
import { GuardrailProfile, guardInput, guardOutput, ScanReport, StreamRedactor } from '../src/guardrails/engine';

const profile = new GuardrailProfile('bench', guardrailProfileSchema.parse({ deny: ['project zeus', 'internal only', 'codename falcon'], rules: [{ name: 'ssn', pattern: '\\b\\d{3}-\\d{2}-\\d{4}\\b' }], max_prompt_chars: 100_000 }));
const prose = 'The quarterly report shows revenue growth of 12% across regions, with the strongest results in EMEA. Please summarise the key drivers and risks for the board in plain language. ';
const clean = () => ({ model: 'm', temperature: 0.2, max_tokens: 256, messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: prose.repeat(4) }, { role: 'assistant', content: prose.repeat(2) }, { role: 'user', content: 'And in two bullet points?' }] });
const dirty = () => ({ ...clean(), messages: [...clean().messages, { role: 'user', content: 'Reply to jane.doe@example.com or +44 20 7946 0958, card 4111 1111 1111 1111, key sk-abcdefghijklmnopqrstuvwxyz0123' }] });
const answer = Buffer.from(JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: prose.repeat(6) }, finish_reason: 'stop' }], usage: { prompt_tokens: 300, completion_tokens: 200 } }));

function bench(name: string, fn: () => void, ms = 1000): void {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 200; i++) fn();
    n += 200;
  }
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(`${name.padEnd(58)} ${us.toFixed(2).padStart(8)} µs/op`);
}

const chars = clean().messages.reduce((a, m) => a + m.content.length, 0);
console.log(`prompt ≈ ${chars} chars, answer ≈ ${prose.length * 6} chars, profile: 5 PII detectors + 3 deny terms + 1 rule`);
bench('input: clean chat prompt (scan only, body not rewritten)', () => guardInput(profile, clean(), new ScanReport()));
bench('input: prompt with 4 PII items (redact + re-serialize)', () => {
  const b = dirty();
  if (guardInput(profile, b, new ScanReport())) JSON.stringify(b);
});
bench('baseline: building the body object alone', () => clean());
bench('output: clean 1 KB answer (parse + scan)', () => guardOutput(profile, answer, new ScanReport()));
const pieces = prose.repeat(6).match(/.{1,4}/gs)!;
bench(`stream: 1 KB answer as ${pieces.length} 4-char chunks, whole stream`, () => {
  const r = new StreamRedactor(profile, new ScanReport());
  for (const p of pieces) r.push(p);
  r.flush();
}, 1000);
const cache = new ResponseCache({ ttl_ms: 60_000, max_entries: 10_000 });
bench('cache: key (canonical JSON + SHA-256) for the chat body', () => cacheKey('team-a', 'chat', clean()));
const key = cacheKey('team-a', 'chat', clean());
cache.set(key, { body: answer, usage: null, guardrail: '' });
bench('cache: get (hit)', () => cache.get(key));
