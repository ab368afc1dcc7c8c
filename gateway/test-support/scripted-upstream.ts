/**
 * A minimal OpenAI-compatible upstream whose answer text (and, for streams, chunking) each test
 * chooses: output guardrails need to see exact text split at exact places.
 */
import { createServer, type Server } from 'node:http';

export interface ScriptedUpstream {
  url: string;
  /** Answer text; for streams, the pieces each content chunk carries. */
  answer: string[];
  /**
   * When set, the answer is this tool call instead (its arguments split into these stream pieces);
   * `legacy` answers in the deprecated `function_call` shape (older OpenAI-compatible servers).
   */
  toolCall: { name: string; args: string[]; legacy?: boolean } | null;
  bodies: Record<string, any>[];
  close(): Promise<void>;
}

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const state: ScriptedUpstream = { url: '', answer: ['hello'], toolCall: null, bodies: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw);
      state.bodies.push(body);
      const text = state.answer.join('');
      const usage = { prompt_tokens: 7, completion_tokens: state.answer.length, total_tokens: 7 + state.answer.length };
      const chat = req.url!.endsWith('/chat/completions');
      const tool = state.toolCall;
      const finish = !tool ? 'stop' : tool.legacy ? 'function_call' : 'tool_calls';
      if (!body.stream) {
        const call = tool && { name: tool.name, arguments: tool.args.join('') };
        const message = !call ? { role: 'assistant', content: text } : tool.legacy ? { role: 'assistant', content: null, function_call: call } : { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: call }] };
        const choice = chat ? { index: 0, message, finish_reason: finish } : { index: 0, text, finish_reason: 'stop' };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'x1', object: chat ? 'chat.completion' : 'text_completion', created: 1, model: body.model, choices: [choice], usage }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const ev = (choice: object, extra: object = {}) => `data: ${JSON.stringify({ id: 'x1', object: 'chat.completion.chunk', created: 1, model: body.model, choices: [choice], ...extra })}\n\n`;
      if (tool?.legacy) {
        res.write(ev({ index: 0, delta: { role: 'assistant', content: null, function_call: { name: tool.name, arguments: '' } }, finish_reason: null }));
        for (const piece of tool.args) res.write(ev({ index: 0, delta: { function_call: { arguments: piece } }, finish_reason: null }));
      } else if (tool) {
        res.write(ev({ index: 0, delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: tool.name, arguments: '' } }] }, finish_reason: null }));
        for (const piece of tool.args) res.write(ev({ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] }, finish_reason: null }));
      } else {
        res.write(ev({ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }));
        for (const piece of state.answer) res.write(ev({ index: 0, delta: { content: piece }, finish_reason: null }));
      }
      res.write(ev({ index: 0, delta: {}, finish_reason: finish }));
      if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ id: 'x1', object: 'chat.completion.chunk', created: 1, model: body.model, choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  state.url = `http://127.0.0.1:${addr.port}`;
  state.close = () => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return state;
}
