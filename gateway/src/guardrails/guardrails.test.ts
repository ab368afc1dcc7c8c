import { describe, expect, it } from 'vitest';
import { validateGatewayConfig } from '../config';
import { guardrailProfileSchema, type GuardrailProfileConfig } from '../config/schema';
import { OpenAICompatibleProvider } from '../providers/openai-compatible';
import { entropy, isApiKey, isCard, isIban, isPhone, luhn } from './detectors';
import { GuardrailProfile, guardInput, guardOutput, scanText, ScanReport, StreamRedactor } from './engine';
import { GuardedStream } from './stream';
import { GatewayError } from '../errors';

const profile = (cfg: Partial<GuardrailProfileConfig> = {}) => new GuardrailProfile('p', guardrailProfileSchema.parse(cfg));

function redact(text: string, p = profile()): { text: string; rules: string[] } {
  const r = new ScanReport();
  const out = scanText(p.input, text, 'input', r);
  return { text: out, rules: r.hits.map((h) => h.rule) };
}

describe('PII detectors: true and false positives', () => {
  it('emails', () => {
    expect(redact('mail john.doe+tag@example.co.uk now').text).toBe('mail [EMAIL] now');
    expect(redact('a@b.io').text).toBe('[EMAIL]');
    for (const s of ['user@localhost', 'follow @handle', 'a@b', 'x @ y.com']) expect(redact(s).text).toBe(s);
  });

  it('phone numbers in international and national formats', () => {
    for (const s of ['+1 (555) 123-4567', '+44 20 7946 0958', '+4915112345678', '+33 1 23 45 67 89', '(555) 123-4567', '555-123-4567', '030 1234 5678']) {
      expect(redact(`call ${s} today`).text, s).toBe('call [PHONE] today');
    }
    expect(isPhone('+49 151 1234 5678')).toBe(true);
    for (const s of ['on 2024-01-15 at noon', 'host 172.16.254.101', 'order 1234567890', 'v1.2.3', 'pi 3.14159', 'room 12-34', '+12 34']) {
      expect(redact(s).text, s).toBe(s);
    }
  });

  it('card numbers must pass Luhn and look like a card', () => {
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('4111111111111112')).toBe(false);
    for (const s of ['4111 1111 1111 1111', '4111-1111-1111-1111', '5555555555554444', '378282246310005']) {
      expect(redact(`pay ${s}.`).text, s).toBe('pay [CARD].');
    }
    // 16 digits failing Luhn, a Luhn-valid run of zeros, and a 12-digit number are not cards.
    for (const s of ['4111 1111 1111 1112', '0000000000000000', '1234 5678 9012', '9999999999999995']) {
      expect(isCard(s), s).toBe(false);
      expect(redact(`ref ${s}`).rules, s).not.toContain('pii.card');
    }
  });

  it('IBANs must pass the mod-97 check', () => {
    for (const s of ['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432', 'FR14 2004 1010 0505 0001 3M02 606']) {
      expect(isIban(s), s).toBe(true);
      expect(redact(`iban ${s} ok`).text, s).toBe('iban [IBAN] ok');
    }
    for (const s of ['DE89 3704 0044 0532 0130 01', 'GB00WEST12345698765432', 'AB12 CDEF GHIJ']) {
      expect(isIban(s), s).toBe(false);
      expect(redact(`iban ${s} ok`).rules, s).not.toContain('pii.iban');
    }
  });

  it('API-key-like strings: vendor prefixes and high-entropy tokens', () => {
    const keys = ['sk-proj-abcdefghijklmnopqrstuvwxyz123456', `fdy_${'aB3_'.repeat(10)}xyz`, 'AKIAIOSFODNN7EXAMPLE', `ghp_${'a1B2c3D4e5'.repeat(4)}`, 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz', 'x9Fq2LmZ7pR4tW8vB1nK6cY3hD5jS0aE'];
    for (const k of keys) expect(redact(`key=${k} end`).text, k).toBe('key=[API_KEY] end');
    const notKeys = ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', '123e4567-e89b-12d3-a456-426614174000', 'ThisIsAVeryLongIdentifierNameForTestingThings', 'averyveryverylongwordwithoutanycapitalsatall', 'sk-short'];
    for (const s of notKeys) {
      expect(isApiKey(s), s).toBe(false);
      expect(redact(`value ${s} end`).rules, s).not.toContain('pii.api_key');
    }
    expect(entropy('aaaa')).toBe(0);
  });

  it('redacts several kinds in one text without one detector eating another', () => {
    const r = redact('Me: jane@corp.com, +1 415 555 0100, card 4111111111111111, IBAN DE89370400440532013000, key sk-abcdefghijklmnopqrstuvwxyz');
    expect(r.text).toBe('Me: [EMAIL], [PHONE], card [CARD], IBAN [IBAN], key [API_KEY]');
    expect(r.rules.sort()).toEqual(['pii.api_key', 'pii.card', 'pii.email', 'pii.iban', 'pii.phone']);
  });

  it('stays linear on hostile input (no catastrophic backtracking)', () => {
    const p = profile();
    const hostile = ['1 '.repeat(20_000), '1-'.repeat(20_000), 'a'.repeat(50_000) + '@', `+${'1'.repeat(50_000)}x`, 'A1 '.repeat(20_000)];
    const t = performance.now();
    for (const s of hostile) scanText(p.input, s, 'input', new ScanReport());
    expect(performance.now() - t).toBeLessThan(2000);
  });
});

describe('deny lists, regex rules, max prompt size, block vs redact', () => {
  const p = profile({ pii: ['email'], deny: ['Project Zeus', 'c++'], rules: [{ name: 'ssn', pattern: '\\b\\d{3}-\\d{2}-\\d{4}\\b', replacement: '[SSN]' }, { name: 'secret-word', pattern: 'swordfish', action: 'block', direction: 'output' }], max_prompt_chars: 100 } as never);

  it('blocks on a deny term, whole-word and case-insensitive', () => {
    const r = new ScanReport();
    scanText(p.input, 'tell me about project zeus please', 'input', r);
    expect(r.block).toEqual({ rule: 'deny', direction: 'input' });
    const ok = new ScanReport();
    scanText(p.input, 'tell me about projectzeus and c and zeus', 'input', ok);
    expect(ok.block).toBeNull();
    const cpp = new ScanReport();
    scanText(p.input, 'I like C++ a lot', 'input', cpp);
    expect(cpp.block?.rule).toBe('deny');
  });

  it('redacts with a regex rule and honours its direction', () => {
    expect(redact('ssn 123-45-6789', p).text).toBe('ssn [SSN]');
    const r = new ScanReport();
    expect(scanText(p.input, 'swordfish', 'input', r)).toBe('swordfish');
    scanText(p.output, 'the password is swordfish', 'output', r);
    expect(r.block).toEqual({ rule: 'rule.secret-word', direction: 'output' });
  });

  it('blocks a prompt over max_prompt_chars, counting every message', () => {
    const r = new ScanReport();
    guardInput(p, { messages: [{ role: 'system', content: 'x'.repeat(60) }, { role: 'user', content: [{ type: 'text', text: 'y'.repeat(60) }] }] }, r);
    expect(r.block).toEqual({ rule: 'max_prompt_chars', direction: 'input' });
  });

  it('redacts inside chat content parts and completion prompts, in place', () => {
    const body = { messages: [{ role: 'user', content: [{ type: 'text', text: 'mail a@b.io' }] }, { role: 'user', content: 'and c@d.io' }] };
    const r = new ScanReport();
    expect(guardInput(p, body, r)).toBe(true);
    expect(body.messages[0]!.content).toEqual([{ type: 'text', text: 'mail [EMAIL]' }]);
    expect(body.messages[1]!.content).toBe('and [EMAIL]');
    expect(r.header()).toBe('redact:input:pii.email');
    expect(r.hits[0]!.count).toBe(2);
    const c = { prompt: ['x a@b.io', 'clean'] };
    expect(guardInput(p, c, new ScanReport())).toBe(true);
    expect(c.prompt).toEqual(['x [EMAIL]', 'clean']);
    expect(guardInput(p, { prompt: 'nothing here' }, new ScanReport())).toBe(false);
  });

  it('profile action block turns PII into a block, with the rule named', () => {
    const b = profile({ action: 'block' });
    const r = new ScanReport();
    scanText(b.input, 'card 4111 1111 1111 1111', 'input', r);
    expect(r.block).toEqual({ rule: 'pii.card', direction: 'input' });
  });

  it('redacts a non-streaming answer and leaves a clean one byte-identical', () => {
    const r = new ScanReport();
    const out = guardOutput(p, Buffer.from(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'reach me at x@y.org' } }] })), r);
    expect(JSON.parse(out!).choices[0].message.content).toBe('reach me at [EMAIL]');
    expect(r.header('output')).toBe('redact:output:pii.email');
    expect(guardOutput(p, '{"choices":[{"text":"fine"}]}', new ScanReport())).toBeNull();
  });
});

describe('streaming redaction across chunk boundaries', () => {
  const p = profile({ stream_holdback_chars: 32 });

  function feed(pieces: string[], prof = p): { out: string; report: ScanReport } {
    const report = new ScanReport();
    const r = new StreamRedactor(prof, report);
    let out = '';
    for (const s of pieces) out += r.push(s);
    out += r.flush();
    return { out, report };
  }

  it('redacts an email, a card and a key split at every possible point', () => {
    const text = 'Hello, write to jane.doe@example.com or pay with 4111 1111 1111 1111 using sk-abcdefghijklmnopqrstuvwxyz0123 thanks. '.repeat(2);
    const expected = 'Hello, write to [EMAIL] or pay with [CARD] using [API_KEY] thanks. '.repeat(2);
    for (let i = 1; i < text.length; i++) expect(feed([text.slice(0, i), text.slice(i)]).out, `split at ${i}`).toBe(expected);
    // One character at a time, and in random-size pieces.
    expect(feed([...text]).out).toBe(expected);
    let seed = 7;
    const pieces: string[] = [];
    for (let i = 0; i < text.length; ) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const n = 1 + (seed % 9);
      pieces.push(text.slice(i, i + n));
      i += n;
    }
    expect(feed(pieces).out).toBe(expected);
  });

  it('releases clean text with at most the window held back', () => {
    const report = new ScanReport();
    const r = new StreamRedactor(p, report);
    const words = 'the quick brown fox jumps over the lazy dog '.repeat(4);
    expect(r.push(words.slice(0, 10))).toBe('');
    expect(r.push(words.slice(10))).toBe(words.slice(0, words.length - 32));
    expect(r.flush()).toBe(words.slice(-32));
  });

  it('rewrites OpenAI chunks, releases held text before the finish chunk, and blocks with an error event', () => {
    const inner = new OpenAICompatibleProvider({ name: 'u', baseUrl: 'http://x/v1', apiKey: undefined }).stream('chat', false);
    const report = new ScanReport();
    const gs = new GuardedStream(inner, profile({ deny: ['forbidden'] }), report, (rule) => new GatewayError('guardrail_blocked', `blocked ${rule}`));
    const chunk = (content: string | null, finish: string | null = null) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }] })}\n\n`;
    let out = gs.push(chunk('mail me: bob@exa'));
    out += gs.push(chunk('mple.com ok'));
    out += gs.push(chunk(null, 'stop'));
    out += gs.push('data: [DONE]\n\n');
    // The report closes the stream as an SSE comment (skipped by SSE parsers) right before [DONE].
    expect(out.endsWith(': x-foundry-guardrail redact:output:pii.email\n\ndata: [DONE]\n\n')).toBe(true);
    const events = out.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
    expect(events.at(-1)).toBe('[DONE]');
    const text = events.slice(0, -1).map((e) => JSON.parse(e).choices[0].delta.content ?? '').join('');
    expect(text).toBe('mail me: [EMAIL] ok');
    expect(JSON.parse(events.at(-2)!).choices[0].finish_reason).toBe('stop');
    expect(report.header()).toBe('redact:output:pii.email');

    const inner2 = new OpenAICompatibleProvider({ name: 'u', baseUrl: 'http://x/v1', apiKey: undefined }).stream('chat', false);
    const r2 = new ScanReport();
    const gs2 = new GuardedStream(inner2, profile({ deny: ['forbidden'] }), r2, (rule) => new GatewayError('guardrail_blocked', `blocked ${rule}`));
    let o2 = gs2.push(chunk('this is a long enough harmless preamble of text to be released, then the forb'));
    o2 += gs2.push(chunk('idden word'));
    expect(gs2.done).toBe(false);
    o2 += gs2.push(chunk(null, 'stop'));
    expect(gs2.done).toBe(true);
    expect(o2).toContain('this is a lon');
    expect(o2).not.toContain('forb');
    expect(o2).toContain('"code":"guardrail_blocked"');
    expect(o2).toContain(': x-foundry-guardrail block:output:deny\n\ndata: {"error"');
    expect(r2.block).toEqual({ rule: 'deny', direction: 'output' });
  });
});

describe('guardrail config', () => {
  const base = { providers: { u: { kind: 'openai_compatible', base_url: 'http://u/v1' } }, models: { m: { targets: [{ provider: 'u' }] } } };

  it('accepts profiles with defaults and a project referencing one; old configs stay valid', () => {
    const ok = validateGatewayConfig({ ...base, guardrails: { strict: { deny: ['x'] } }, projects: { a: { guardrail: 'strict' } } });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.value.guardrails.strict).toMatchObject({ action: 'redact', pii: ['email', 'phone', 'card', 'iban', 'api_key'], directions: ['input', 'output'], deny_action: 'block' });
    const old = validateGatewayConfig(base);
    expect(old.ok && old.value.guardrails).toEqual({});
  });

  it('rejects bad profiles with path-qualified errors', () => {
    const bad = validateGatewayConfig({
      ...base,
      guardrails: { strict: { pii: ['email', 'ssn'], action: 'drop', rules: [{ name: 'r', pattern: '(unclosed' }, { name: 'e', pattern: 'a*' }, { name: 'f', pattern: 'x', flags: 'g' }], bogus: 1 } },
    });
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? [] : bad.errors;
    expect(errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^guardrails\.strict\.pii\[1\]: /),
      expect.stringMatching(/^guardrails\.strict\.action: /),
      expect.stringMatching(/^guardrails\.strict\.rules\[0\]\.pattern: invalid regular expression/),
      'guardrails.strict.rules[1].pattern: must not match the empty string',
      'guardrails.strict.rules[2].flags: may only contain the flags i, m, s, u',
      'guardrails.strict.bogus: unknown key',
    ]));
    const unknown = validateGatewayConfig({ ...base, projects: { a: { guardrail: 'nope' } } });
    expect(unknown.ok ? [] : unknown.errors).toEqual(['projects.a.guardrail: unknown guardrail profile "nope"']);
    const dup = validateGatewayConfig({ ...base, guardrails: { g: { rules: [{ name: 'r', pattern: 'x' }, { name: 'r', pattern: 'y' }] } } });
    expect(dup.ok ? [] : dup.errors).toEqual(['guardrails.g.rules[1].name: duplicate rule name "r"']);
  });
});
