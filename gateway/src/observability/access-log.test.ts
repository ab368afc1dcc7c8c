import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccessLog } from './access-log';

afterEach(() => vi.useRealTimers());

/** What pino({ base: null }).info(fields) writes, for the same clock. */
function pinoLine(fields: Record<string, unknown>): string {
  let out = '';
  pino({ base: null }, { write: (s: string) => (out += s) }).info(fields);
  return out;
}

describe('access log lines', () => {
  it('are the lines pino wrote, for any strings (escapes, unicode, quotes) and numbers', () => {
    vi.useFakeTimers({ now: 1_767_225_600_123, toFake: ['Date'] });
    const field = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(undefined));
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.dictionary(fc.string(), field), (route, rest) => {
        const fields = { route, ...rest };
        let got = '';
        new AccessLog({ write: (s) => (got += s) }).write(fields);
        expect(got).toBe(pinoLine(fields));
        expect(JSON.parse(got)).toMatchObject({ level: 30, time: 1_767_225_600_123 });
      }),
      { numRuns: 500 },
    );
  });

  it('leave out undefined fields, as pino did', () => {
    let got = '';
    new AccessLog({ write: (s) => (got += s) }).write({ route: '/v1/chat/completions', status: 200, error: undefined, aborted: undefined });
    expect(Object.keys(JSON.parse(got))).toEqual(['level', 'time', 'route', 'status']);
  });

  it('reach a file in batches, within the flush interval when traffic is light, and on close', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fdy-alog-')), 'access.log');
    const dest = pino.destination({ dest: file, sync: false });
    await new Promise((r) => dest.once('ready', r));
    const writes: string[] = [];
    const log = new AccessLog({ write: (s) => (writes.push(s), dest.write(s)) }, 16_000);
    log.write({ route: 'one', status: 200 });
    await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(file, 'utf8')).toBe('');
    await vi.waitFor(() => expect(readFileSync(file, 'utf8')).toContain('"route":"one"'), { timeout: 3_000, interval: 50 });
    for (let i = 0; i < 200; i++) log.write({ route: `r${i}`, status: 200, trace_id: 'x'.repeat(80) });
    expect(writes.length).toBeGreaterThan(1);
    expect(writes.slice(1).every((w) => w.length >= 16_000)).toBe(true);
    log.write({ route: 'last', status: 200 });
    log.close();
    await vi.waitFor(() => {
      const routes = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).route);
      expect(routes).toEqual(['one', ...Array.from({ length: 200 }, (_, i) => `r${i}`), 'last']);
    }, { timeout: 2_000, interval: 20 });
    dest.end();
  });
});
