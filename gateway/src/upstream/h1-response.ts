/**
 * An incremental, strict parser for one HTTP/1.1 response at a time on a client connection
 * (RFC 9112). It reads only what the gateway needs from an upstream's answer — the status, the
 * framing (Content-Length, chunked, until close), whether the connection may be reused, the
 * server's keep-alive hint and Retry-After — and refuses anything ambiguous rather than guess:
 * conflicting lengths, folded or malformed header lines, bad chunk sizes, bytes after the answer.
 * A refused answer fails the attempt and its connection is never reused.
 */

export class H1ProtocolError extends Error {
  readonly code = 'H1_PROTOCOL';
}

export interface ResponseHead {
  status: number;
  retryAfter: string | undefined;
  /** Seconds from `Keep-Alive: timeout=N`, when the server gave one. */
  keepAliveS: number | undefined;
}

export interface ResponseSink {
  head(h: ResponseHead): void;
  data(chunk: Buffer): void;
  /** The answer is complete; `reusable` says whether the connection may carry another request. */
  end(reusable: boolean): void;
}

export const MAX_HEAD_BYTES = 65_536;
const MAX_CHUNK_LINE = 1_024;
const MAX_TRAILER_BYTES = 16_384;
const CRLF2 = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const DIGITS = /^\d{1,15}$/;
const HEX = /^[0-9A-Fa-f]{1,12}$/;

type Mode = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'close' | 'done';

export class ResponseParser {
  private mode: Mode = 'head';
  private pending: Buffer | null = null;
  private left = 0;
  private reusable = true;
  private trailerBytes = 0;

  constructor(private readonly sink: ResponseSink) {}

  /** True once the answer ended; the parser then takes no more bytes. */
  get done(): boolean {
    return this.mode === 'done';
  }

  /** True while the body runs until the server closes the connection. */
  get untilClose(): boolean {
    return this.mode === 'close';
  }

  /** Feeds bytes; throws H1ProtocolError on anything it cannot read unambiguously. */
  push(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let at = 0;
    while (at < buf.length) {
      switch (this.mode) {
        case 'head': {
          const end = buf.indexOf(CRLF2, at);
          if (end < 0) return this.keep(buf, at, MAX_HEAD_BYTES, 'response head');
          if (end - at > MAX_HEAD_BYTES) throw new H1ProtocolError(`response head over ${MAX_HEAD_BYTES} bytes`);
          this.head(buf.toString('latin1', at, end));
          at = end + 4;
          break;
        }
        case 'length': {
          const n = Math.min(this.left, buf.length - at);
          this.sink.data(buf.subarray(at, at + n));
          at += n;
          this.left -= n;
          if (this.left === 0) this.finish();
          break;
        }
        case 'chunk-size': {
          const eol = buf.indexOf(10, at);
          if (eol < 0) return this.keep(buf, at, MAX_CHUNK_LINE, 'chunk size line');
          const line = buf.toString('latin1', at, eol);
          if (!line.endsWith('\r')) throw new H1ProtocolError('chunk size line does not end in CRLF');
          const semi = line.indexOf(';');
          const hex = (semi < 0 ? line.slice(0, -1) : line.slice(0, semi)).trimEnd();
          if (!HEX.test(hex)) throw new H1ProtocolError(`bad chunk size ${JSON.stringify(hex.slice(0, 20))}`);
          this.left = parseInt(hex, 16);
          at = eol + 1;
          this.mode = this.left === 0 ? 'trailers' : 'chunk-data';
          break;
        }
        case 'chunk-data': {
          const n = Math.min(this.left, buf.length - at);
          this.sink.data(buf.subarray(at, at + n));
          at += n;
          this.left -= n;
          if (this.left === 0) this.mode = 'chunk-crlf';
          break;
        }
        case 'chunk-crlf': {
          if (buf.length - at < 2) return this.keep(buf, at, 2, 'chunk end');
          if (buf[at] !== 13 || buf[at + 1] !== 10) throw new H1ProtocolError('chunk data does not end in CRLF');
          at += 2;
          this.mode = 'chunk-size';
          break;
        }
        case 'trailers': {
          // Trailer fields are read past and dropped; an empty line ends the message.
          const eol = buf.indexOf(10, at);
          if (eol < 0) return this.keep(buf, at, MAX_TRAILER_BYTES - this.trailerBytes, 'trailers');
          this.trailerBytes += eol + 1 - at;
          if (this.trailerBytes > MAX_TRAILER_BYTES) throw new H1ProtocolError(`trailers over ${MAX_TRAILER_BYTES} bytes`);
          const empty = eol === at + 1 && buf[at] === 13;
          if (!empty && buf[eol - 1] !== 13) throw new H1ProtocolError('trailer line does not end in CRLF');
          at = eol + 1;
          if (empty) this.finish();
          break;
        }
        case 'close':
          this.sink.data(at === 0 ? buf : buf.subarray(at));
          return;
        case 'done':
          throw new H1ProtocolError('bytes after the end of the response');
      }
    }
  }

  /** The server closed the connection: the end of a close-delimited body, or a cut-off answer. */
  eof(): void {
    if (this.mode === 'close') return this.finish();
    if (this.mode !== 'done') throw new H1ProtocolError(this.mode === 'head' ? 'connection closed before a response' : 'connection closed mid-response');
  }

  private keep(buf: Buffer, at: number, limit: number, what: string): void {
    if (buf.length - at > limit) throw new H1ProtocolError(`${what} over ${limit} bytes`);
    // A copy: the socket's chunk may be a slice of a pooled buffer that is reused.
    this.pending = Buffer.from(buf.subarray(at));
  }

  private finish(): void {
    this.mode = 'done';
    this.sink.end(this.reusable);
  }

  private head(text: string): void {
    const lines = text.split('\r\n');
    const m = STATUS_LINE.exec(lines[0]!);
    if (!m) throw new H1ProtocolError(`bad status line ${JSON.stringify(lines[0]!.slice(0, 40))}`);
    const status = Number(m[2]);
    let length: string | undefined;
    let chunked = false;
    let transferEncoding = false;
    let connection = '';
    let keepAliveS: number | undefined;
    let retryAfter: string | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) throw new H1ProtocolError(`bad header line ${JSON.stringify(line.slice(0, 40))}`);
      const value = line.slice(colon + 1).trim();
      if (/[\0\r\n]/.test(value)) throw new H1ProtocolError('control character in a header value');
      switch (line.slice(0, colon).toLowerCase()) {
        case 'content-length':
          for (const v of value.split(',')) {
            const n = v.trim();
            if (!DIGITS.test(n)) throw new H1ProtocolError(`bad Content-Length ${JSON.stringify(value.slice(0, 20))}`);
            if (length !== undefined && length !== n) throw new H1ProtocolError('conflicting Content-Length values');
            length = n;
          }
          break;
        case 'transfer-encoding': {
          transferEncoding = true;
          const codings = value.toLowerCase().split(',');
          chunked = codings[codings.length - 1]!.trim() === 'chunked';
          break;
        }
        case 'connection':
          connection += `${value.toLowerCase()},`;
          break;
        case 'keep-alive': {
          const t = /(?:^|,)\s*timeout\s*=\s*(\d+)/i.exec(value);
          if (t) keepAliveS = Number(t[1]);
          break;
        }
        case 'retry-after':
          retryAfter = value;
          break;
      }
    }
    if (status < 200) {
      // An interim answer (100 Continue, 103 Early Hints) precedes the real one; a switch of protocols is not ours.
      if (status === 101) throw new H1ProtocolError('unexpected 101 Switching Protocols');
      return;
    }
    const http10 = m[1] === '0';
    this.reusable = http10 ? /(?:^|[\s,])keep-alive\s*,/.test(connection) : !/(?:^|[\s,])close\s*,/.test(connection);
    this.sink.head({ status, retryAfter, keepAliveS });
    if (status === 204 || status === 304) return this.finish();
    if (transferEncoding) {
      // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length, and a sender of both is not to be trusted again.
      if (length !== undefined) this.reusable = false;
      if (chunked) this.mode = 'chunk-size';
      else {
        this.mode = 'close';
        this.reusable = false;
      }
    } else if (length !== undefined) {
      this.left = Number(length);
      if (this.left === 0) this.finish();
      else this.mode = 'length';
    } else {
      this.mode = 'close';
      this.reusable = false;
    }
  }
}
