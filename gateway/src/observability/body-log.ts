/**
 * Request/response bodies in access logs, only for projects that opted in (log_bodies = true).
 * What is logged is a copy with secrets taken out: values of JSON fields whose names say they are
 * secrets (password, token, api_key, …, also inside JSON-in-a-string such as tool-call
 * arguments), and API-key-like strings anywhere (the guardrails' api_key detector), then capped.
 * Opted-out projects never reach this module: one Set lookup decides.
 */
import type { ActiveDetector } from '../guardrails/profile';
import { ScanReport } from '../guardrails/report';
import { scanText } from '../guardrails/scan';
import { piiDetectors } from '../guardrails/detectors';

const SECRET_NAME = '[A-Za-z0-9_-]*(?:password|passwd|passphrase|secret|token|api[_-]?key|apikey|authorization|credential|private[_-]?key)[A-Za-z0-9_-]*';
// "name": "value" in JSON text, and \"name\": \"value\" in JSON that sits inside a JSON string.
const FIELD = new RegExp(`"(${SECRET_NAME})"(\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
const ESCAPED_FIELD = new RegExp(`\\\\"(${SECRET_NAME})\\\\"(\\s*:\\s*)\\\\"(?:[^\\\\]|\\\\[^"])*?\\\\"`, 'gi');
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/-]{8,}=*/g;
const KEYS: ActiveDetector[] = piiDetectors(['api_key']).map((d) => ({ ...d, action: 'redact' as const }));

/** The loggable form of one body: secrets replaced, at most maxChars characters kept. */
export function redactForLog(text: string, maxChars: number): string {
  // Cap first (with slack for the replacements) so a huge body never costs a huge scan.
  const over = text.length - maxChars;
  let t = over > 0 ? text.slice(0, maxChars) : text;
  t = t.replace(FIELD, '"$1"$2"[REDACTED]"').replace(ESCAPED_FIELD, '\\"$1\\"$2\\"[REDACTED]\\"').replace(BEARER, 'Bearer [REDACTED]');
  t = scanText(KEYS, t, 'output', new ScanReport());
  return over > 0 ? `${t}…[truncated ${over} chars]` : t;
}

/** Collects what the client was sent (stream chunks or one body), up to a cap. */
export class BodyCapture {
  private parts: string[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly maxChars: number) {}

  add(chunk: Buffer | string): void {
    const room = this.maxChars - this.size;
    if (room <= 0) {
      this.dropped += chunk.length;
      return;
    }
    const s = typeof chunk === 'string' ? chunk : chunk.toString('utf8', 0, Math.min(chunk.length, room * 4));
    const kept = s.length > room ? s.slice(0, room) : s;
    this.parts.push(kept);
    this.size += kept.length;
    this.dropped += (typeof chunk === 'string' ? chunk.length : s.length) - kept.length;
  }

  text(): string {
    const t = redactForLog(this.parts.join(''), this.maxChars);
    return this.dropped > 0 ? `${t}…[truncated ${this.dropped} chars]` : t;
  }
}
