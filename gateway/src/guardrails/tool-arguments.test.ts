import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiKey, listenGateway, type Running } from '../../test-support/harness';
import { startScriptedUpstream, type ScriptedUpstream } from '../../test-support/scripted-upstream';
import { compileGuardrails, scanArguments, ScanReport } from './engine';
import { guardrailProfileSchema } from '../config/schema';

let up: ScriptedUpstream;
let gw: Running;
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
  });
});
afterEach(() => {
  up.toolCall = null;
});
afterAll(async () => {
  await gw.close();
  await up.close();
});

const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
const tools = [{ type: 'function' as const, function: { name: 'send_mail', parameters: { type: 'object', properties: { to: { type: 'string' }, body: { type: 'string' } } } } }];
const history = (args: string) => [
  { role: 'user' as const, content: 'send it' },
  { role: 'assistant' as const, content: null, tool_calls: [{ id: 'c1', type: 'function' as const, function: { name: 'send_mail', arguments: args } }] },
  { role: 'tool' as const, tool_call_id: 'c1', content: 'sent' },
];

describe('guardrails on tool-call arguments', () => {
  it('redacts PII, deny terms and rule matches inside the arguments of tool calls in the request history', async () => {
    await client(redact.key).chat.completions.create({ model: 'm', messages: history(JSON.stringify({ to: 'jane@corp.com', body: 'about project zeus, see TICKET-1234', n: 3 })), tools });
    const sent = up.bodies.at(-1)!.messages[1].tool_calls[0].function.arguments;
    expect(JSON.parse(sent)).toEqual({ to: '[EMAIL]', body: 'about [DENIED], see [TICKET]', n: 3 });
  });

  it('blocks a request whose tool-call arguments carry blocked content, naming the rule', async () => {
    const before = up.bodies.length;
    const err = await client(block.key).chat.completions.create({ model: 'm', messages: history('{"card":"4111 1111 1111 1111"}'), tools }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error.message).toContain('rule pii.card');
    expect(up.bodies.length).toBe(before);
  });

  it('redacts the arguments of an answer tool call (non-streaming), keeping them valid JSON', async () => {
    up.toolCall = { name: 'send_mail', args: [JSON.stringify({ to: 'bob@example.org', body: 'TICKET-9876 "quoted"' })] };
    const r = await client(redact.key).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'mail bob' }], tools }).withResponse();
    const call = r.data.choices[0]!.message.tool_calls![0]! as { function: { arguments: string } };
    expect(JSON.parse(call.function.arguments)).toEqual({ to: '[EMAIL]', body: '[TICKET] "quoted"' });
    expect(r.response.headers.get('x-foundry-guardrail')).toBe('redact:output:pii.email, redact:output:rule.ticket');
  });

  it('blocks an answer whose tool-call arguments match a block rule', async () => {
    up.toolCall = { name: 'send_mail', args: ['{"to":"eve@evil.test"}'] };
    const err = await client(block.key).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], tools }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.error.message).toContain('response was blocked');
  });

  it('redacts streamed tool-call arguments even when a match is split across chunks, at every split point', async () => {
    const args = JSON.stringify({ to: 'jane.doe@corp.com', body: 'hello' });
    const at = args.indexOf('jane');
    for (let cut = at; cut <= at + 'jane.doe@corp.com'.length; cut += 3) {
      up.toolCall = { name: 'send_mail', args: [args.slice(0, cut), args.slice(cut, cut + 5), args.slice(cut + 5)] };
      const stream = await client(redact.key).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'go' }], tools, stream: true });
      let got = '';
      let name = '';
      let finish = '';
      for await (const chunk of stream) {
        const c = chunk.choices[0];
        for (const tc of c?.delta?.tool_calls ?? []) {
          got += tc.function?.arguments ?? '';
          name ||= tc.function?.name ?? '';
        }
        if (c?.finish_reason) finish = c.finish_reason;
      }
      expect(name).toBe('send_mail');
      expect(finish).toBe('tool_calls');
      expect(JSON.parse(got), `split at ${cut}`).toEqual({ to: '[EMAIL]', body: 'hello' });
    }
  });

  it('ends a stream with a guardrail error event when streamed tool-call arguments hit a block rule', async () => {
    up.toolCall = { name: 'send_mail', args: ['{"body":"all about proj', 'ect zeus and more"}'] };
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${block.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'go' }], tools, stream: true }) });
    const text = await res.text();
    expect(text).toContain('guardrail_blocked');
    expect(text).not.toContain('zeus');
    expect(text).not.toContain('[DONE]');
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
