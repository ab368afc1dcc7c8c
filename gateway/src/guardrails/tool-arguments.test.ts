import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiKey, listenGateway, logSink, type Running } from '../../test-support/harness';
import { startScriptedUpstream, type ScriptedUpstream } from '../../test-support/scripted-upstream';
import { compileGuardrails, scanArguments, ScanReport } from './engine';
import { guardrailProfileSchema } from '../config/schema';

let up: ScriptedUpstream;
let gw: Running;
const log = logSink();
const redact = apiKey('k-r', 'team-r');
const block = apiKey('k-b', 'team-b');

beforeAll(async () => {
  up = await startScriptedUpstream();
  gw = await listenGateway({
    auth: { api_keys: [redact.entry, block.entry] },
    projects: { 'team-r': { guardrail: 'redact' }, 'team-b': { guardrail: 'block' } },
    guardrails: {
      redact: { deny: ['project zeus'], deny_action: 'redact', rules: [{ name: 'ticket', pattern: 'TICKET-\\d{4}', replacement: '[TICKET]' }] },
      block: { action: 'block', pii: ['email', 'card'], deny: ['project zeus'] },
    },
    providers: { up: { kind: 'openai_compatible', base_url: `${up.url}/v1` } },
    models: { m: { targets: [{ provider: 'up' }] } },
  }, undefined, { accessLog: log.stream });
});
afterEach(() => {
  up.toolCall = null;
});
afterAll(async () => {
  await gw.close();
  await up.close();
});

const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
const parameters = { type: 'object', properties: { to: { type: 'string' }, body: { type: 'string' } } };
type Msg = Record<string, any>;

/**
 * The two ways a model call carries arguments: `tool_calls`, and the deprecated `functions` /
 * `function_call` shape older clients still send and OpenAI-compatible servers still answer in.
 * Every test below runs against both.
 */
const shapes = [
  {
    shape: 'tool_calls',
    legacy: false,
    finish: 'tool_calls',
    request: { tools: [{ type: 'function' as const, function: { name: 'send_mail', parameters } }] },
    history: (args: string): Msg[] => [
      { role: 'user', content: 'send it' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'send_mail', arguments: args } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'sent' },
    ],
    sentArgs: (body: Msg): string => body.messages[1].tool_calls[0].function.arguments,
    answerArgs: (m: Msg): string => m.tool_calls[0].function.arguments,
    deltaCalls: (d: Msg): Msg[] => (d.tool_calls ?? []).map((tc: Msg) => tc.function ?? {}),
  },
  {
    shape: 'legacy function_call',
    legacy: true,
    finish: 'function_call',
    request: { functions: [{ name: 'send_mail', parameters }] },
    history: (args: string): Msg[] => [
      { role: 'user', content: 'send it' },
      { role: 'assistant', content: null, function_call: { name: 'send_mail', arguments: args } },
      { role: 'function', name: 'send_mail', content: 'sent' },
    ],
    sentArgs: (body: Msg): string => body.messages[1].function_call.arguments,
    answerArgs: (m: Msg): string => m.function_call.arguments,
    deltaCalls: (d: Msg): Msg[] => (d.function_call ? [d.function_call] : []),
  },
];

describe.each(shapes)('guardrails on $shape arguments', (s) => {
  const create = (key: string, body: Msg) => client(key).chat.completions.create({ model: 'm', ...s.request, ...body } as any) as Promise<any>;
  const scripted = (args: string[]) => (up.toolCall = { name: 'send_mail', args, legacy: s.legacy });

  it('redacts PII, deny terms and rule matches inside the arguments in the request history', async () => {
    await create(redact.key, { messages: s.history(JSON.stringify({ to: 'jane@corp.com', body: 'about project zeus, see TICKET-1234', n: 3 })) });
    expect(JSON.parse(s.sentArgs(up.bodies.at(-1)!))).toEqual({ to: '[EMAIL]', body: 'about [DENIED], see [TICKET]', n: 3 });
  });

  it('blocks a request whose history arguments carry blocked content, naming the rule', async () => {
    const before = up.bodies.length;
    const err = await create(block.key, { messages: s.history('{"card":"4111 1111 1111 1111"}') }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error.message).toContain('rule pii.card');
    expect(up.bodies.length).toBe(before);
  });

  it('redacts the arguments of an answer (non-streaming), keeping them valid JSON', async () => {
    scripted([JSON.stringify({ to: 'bob@example.org', body: 'TICKET-9876 "quoted"' })]);
    const r = await client(redact.key).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'mail bob' }], ...s.request } as any).withResponse();
    const choice = (r.data as any).choices[0];
    expect(choice.finish_reason).toBe(s.finish);
    expect(JSON.parse(s.answerArgs(choice.message))).toEqual({ to: '[EMAIL]', body: '[TICKET] "quoted"' });
    expect(r.response.headers.get('x-foundry-guardrail')).toBe('redact:output:pii.email, redact:output:rule.ticket');
  });

  it('blocks an answer whose arguments match a block rule', async () => {
    scripted(['{"to":"eve@evil.test"}']);
    const err = await create(block.key, { messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error.message).toContain('response was blocked');
  });

  it('redacts streamed arguments even when a match is split across chunks, at every split point', async () => {
    const args = JSON.stringify({ to: 'jane.doe@corp.com', body: 'hello' });
    const at = args.indexOf('jane');
    for (let cut = at; cut <= at + 'jane.doe@corp.com'.length; cut++) {
      scripted([args.slice(0, cut), args.slice(cut, cut + 5), args.slice(cut + 5)]);
      const stream = await create(redact.key, { messages: [{ role: 'user', content: 'go' }], stream: true });
      let got = '';
      let name = '';
      let finish = '';
      for await (const chunk of stream) {
        const c = chunk.choices[0];
        for (const f of s.deltaCalls(c?.delta ?? {})) {
          got += f.arguments ?? '';
          name ||= f.name ?? '';
        }
        if (c?.finish_reason) finish = c.finish_reason;
      }
      expect(name).toBe('send_mail');
      expect(finish).toBe(s.finish);
      expect(JSON.parse(got), `split at ${cut}`).toEqual({ to: '[EMAIL]', body: 'hello' });
    }
  });

  it('ends a stream with a guardrail error event when streamed arguments hit a block rule', async () => {
    scripted(['{"body":"all about proj', 'ect zeus and more"}']);
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${block.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'go' }], ...s.request, stream: true }) });
    const text = await res.text();
    expect(text).toContain('guardrail_blocked');
    expect(text).not.toContain('zeus');
    expect(text).not.toContain('[DONE]');
  });

  it('reports streamed argument hits in the access log and the metric like content hits', async () => {
    const before = log.lines.length;
    scripted(['{"to":"a', 'l@x.io","body":"TICKET-', '4321"}']);
    const stream = await create(redact.key, { messages: [{ role: 'user', content: 'go' }], stream: true });
    for await (const _ of stream);
    // The access log is written as the stream is settled, a moment after the client saw its end.
    await vi.waitFor(() => expect(log.lines.slice(before).find((l) => l.project === 'team-r')?.guardrail).toBe('redact:output:pii.email, redact:output:rule.ticket'));
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/foundry_gateway_guardrail_actions_total\{project="team-r",profile="redact",rule="pii.email",action="redact",direction="output"\} \d+/);
  });
});

describe('scanArguments', () => {
  const profile = compileGuardrails({ p: guardrailProfileSchema.parse({ rules: [{ name: 'q', pattern: 'a"b', replacement: 'X' }] }) }).get('p')!;
  it('scans string values of valid JSON one by one, so a rule that spans quotes cannot break the structure', () => {
    const args = JSON.stringify({ k: 'a"b', other: 'a', b: 'b' });
    const out = scanArguments(profile.output, args, 'output', new ScanReport());
    expect(JSON.parse(out)).toEqual({ k: 'X', other: 'a', b: 'b' });
  });
  it('falls back to the raw text when the model wrote invalid JSON', () => {
    expect(scanArguments(profile.output, '{oops mail me at x@y.io', 'output', new ScanReport())).toBe('{oops mail me at [EMAIL]');
  });
});
