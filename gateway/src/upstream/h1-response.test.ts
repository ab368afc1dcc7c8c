import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { H1ProtocolError, MAX_HEAD_BYTES, ResponseParser, type ResponseHead } from './h1-response';

interface Seen {
  heads: ResponseHead[];
  body: string;
  ends: boolean[];
}

function parse(chunks: (string | Buffer)[], eof = false): Seen & { parser: ResponseParser } {
  const seen: Seen = { heads: [], body: '', ends: [] };
  const parser = new ResponseParser({ head: (h) => seen.heads.push(h), data: (c) => (seen.body += c.toString('latin1')), end: (r) => seen.ends.push(r) });
  for (const c of chunks) parser.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  if (eof) parser.eof();
  return { ...seen, parser };
}

const protocolError = (chunks: string[], eof = false) => {
  try {
    parse(chunks, eof);
  } catch (e) {
    expect(e).toBeInstanceOf(H1ProtocolError);
    return (e as Error).message;
  }
  throw new Error('expected a protocol error');
};

const FIXTURES: Record<string, string> = {
  length: 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}',
  chunked: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-checksum: abc\r\n\r\n',
  interim: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 2\r\n\r\n{}',
  empty: 'HTTP/1.1 204 No Content\r\nKeep-Alive: timeout=5, max=100\r\n\r\n',
};

describe('ResponseParser', () => {
  it('frames a Content-Length answer and keeps the connection', () => {
    const r = parse([FIXTURES.length!]);
    expect(r.heads).toEqual([{ status: 200, retryAfter: undefined, keepAliveS: undefined }]);
    expect(r.body).toBe('{"ok":true}');
    expect(r.ends).toEqual([true]);
  });

  it('decodes chunked bodies, skipping extensions and trailers', () => {
    const r = parse([FIXTURES.chunked!]);
    expect(r.body).toBe('hello world');
    expect(r.ends).toEqual([true]);
  });

  it('skips interim 1xx answers and reads Retry-After, Keep-Alive and 204 without a body', () => {
    const r = parse([FIXTURES.interim!]);
    expect(r.heads).toEqual([{ status: 429, retryAfter: '7', keepAliveS: undefined }]);
    expect(r.body).toBe('{}');
    const e = parse([FIXTURES.empty!]);
    expect(e.heads[0]).toEqual({ status: 204, retryAfter: undefined, keepAliveS: 5 });
    expect(e.ends).toEqual([true]);
  });

  it('gives the same answer however the bytes are split', () => {
    for (const [name, text] of Object.entries(FIXTURES)) {
      const whole = parse([text]);
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }), (cuts) => {
          const at = [0, ...cuts.sort((a, b) => a - b), text.length];
          const parts = at.slice(1).map((end, i) => text.slice(at[i], end));
          const split = parse(parts);
          expect({ name, heads: split.heads, body: split.body, ends: split.ends }).toEqual({ name, heads: whole.heads, body: whole.body, ends: whole.ends });
        }),
        { numRuns: 200 },
      );
    }
  });

  it('reads a body without a length until the server closes, and never reuses that connection', () => {
    const r = parse(['HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of ', 'it'], true);
    expect(r.body).toBe('all of it');
    expect(r.ends).toEqual([false]);
  });

  it('reuses HTTP/1.1 unless told to close, and HTTP/1.0 only when told to keep alive', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n']).ends).toEqual([false]);
    expect(parse(['HTTP/1.1 200 OK\r\nConnection: Upgrade, Close\r\nContent-Length: 0\r\n\r\n']).ends).toEqual([false]);
    expect(parse(['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n']).ends).toEqual([false]);
    expect(parse(['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n']).ends).toEqual([true]);
  });

  it('lets Transfer-Encoding win over Content-Length and then closes the connection (RFC 9112 6.3)', () => {
    const r = parse(['HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n']);
    expect(r.body).toBe('ok');
    expect(r.ends).toEqual([false]);
    const gz = parse(['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nraw'], true);
    expect(gz.body).toBe('raw');
    expect(gz.ends).toEqual([false]);
  });

  it('accepts repeated equal Content-Length values and refuses conflicting or malformed ones', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok']).body).toBe('ok');
    expect(protocolError(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok'])).toMatch(/conflicting Content-Length/);
    expect(protocolError(['HTTP/1.1 200 OK\r\nContent-Length: 2a\r\n\r\nok'])).toMatch(/bad Content-Length/);
    expect(protocolError(['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'])).toMatch(/bad Content-Length/);
  });

  it('refuses malformed heads: status line, folded or nameless headers, control characters, 101, oversize', () => {
    expect(protocolError(['HTTP/2 200 OK\r\n\r\n'])).toMatch(/bad status line/);
    expect(protocolError(['HTTP/1.1 20 OK\r\n\r\n'])).toMatch(/bad status line/);
    expect(protocolError(['HTTP/1.1 200 OK\r\nx-a: 1\r\n folded\r\n\r\n'])).toMatch(/bad header line/);
    expect(protocolError(['HTTP/1.1 200 OK\r\n: nameless\r\n\r\n'])).toMatch(/bad header line/);
    expect(protocolError(['HTTP/1.1 200 OK\r\nbad name: x\r\n\r\n'])).toMatch(/bad header line/);
    expect(protocolError(['HTTP/1.1 200 OK\r\nx-a: one\rtwo\r\n\r\n'])).toMatch(/control character/);
    expect(protocolError(['HTTP/1.1 101 Switching Protocols\r\n\r\n'])).toMatch(/101/);
    expect(protocolError(['HTTP/1.1 200 OK\r\nx-big: ' + 'a'.repeat(MAX_HEAD_BYTES)])).toMatch(/response head over/);
  });

  it('refuses bad chunk framing', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    expect(protocolError([head + 'zz\r\n'])).toMatch(/bad chunk size/);
    expect(protocolError([head + '2\r\nokX\r\n'])).toMatch(/does not end in CRLF/);
    expect(protocolError([head + '1234567890abc\r\n'])).toMatch(/bad chunk size/);
    expect(protocolError([head + '2\n'])).toMatch(/does not end in CRLF/);
    expect(protocolError([head + 'f'.repeat(2000)])).toMatch(/chunk size line over/);
  });

  it('refuses bytes after the answer and an answer cut off by the server', () => {
    expect(protocolError([FIXTURES.length! + 'HTTP/1.1 200 OK\r\n'])).toMatch(/bytes after the end/);
    expect(protocolError(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'], true)).toMatch(/closed mid-response/);
    expect(protocolError(['HTTP/1.1 200'], true)).toMatch(/closed before a response/);
  });

  it('never throws anything but a protocol error on random bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 6 }), fc.boolean(), (chunks, eof) => {
        try {
          parse(chunks.map((c) => Buffer.from(c)), eof);
        } catch (e) {
          expect(e).toBeInstanceOf(H1ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
