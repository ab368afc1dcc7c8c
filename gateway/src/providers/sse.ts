/** Incremental SSE parsing (WHATWG event-stream framing), tolerant of \r\n and split chunks. */
export interface SseEvent {
  event: string | null;
  data: string;
}

export class SseParser {
  private buf = '';

  push(text: string): SseEvent[] {
    this.buf += text;
    const out: SseEvent[] = [];
    for (;;) {
      const m = /\r?\n\r?\n/.exec(this.buf);
      if (!m) break;
      const block = this.buf.slice(0, m.index);
      this.buf = this.buf.slice(m.index + m[0].length);
      let event: string | null = null;
      let data: string | null = null;
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('data:')) {
          const v = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
          data = data === null ? v : `${data}\n${v}`;
        } else if (line.startsWith('event:')) event = line.slice(6).trim();
      }
      if (data !== null) out.push({ event, data });
    }
    return out;
  }

  /** Bytes left over that never formed a complete event. */
  get pending(): string {
    return this.buf;
  }
}

export function sseData(obj: unknown): string {
  return `data: ${JSON.stringify(obj)}\n\n`;
}

const USAGE_KEY = Buffer.from('"usage"');

/** Finds the JSON object that follows `"usage":` near the end of a body, without parsing it all. */
export function extractUsage(body: Buffer): { prompt_tokens: number; completion_tokens: number } | null {
  const at = body.lastIndexOf(USAGE_KEY);
  if (at < 0) return null;
  const start = body.indexOf(0x7b /* { */, at);
  if (start < 0) return null;
  let depth = 0;
  let inString = false;
  for (let i = start; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) {
      try {
        const u = JSON.parse(body.toString('utf8', start, i + 1));
        return { prompt_tokens: Number(u.prompt_tokens ?? u.input_tokens ?? 0), completion_tokens: Number(u.completion_tokens ?? u.output_tokens ?? 0) };
      } catch {
        return null;
      }
    }
  }
  return null;
}
