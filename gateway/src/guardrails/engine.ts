/**
 * Guardrail profiles, compiled once per config load (every regex is built here, never per
 * request), and applied to request text on the way in and answer text on the way out.
 *
 * A scan runs the profile's detectors over one string in a fixed order. `block` detectors stop
 * at the first valid match; `redact` detectors replace each valid match with a placeholder, and
 * later detectors see the placeholders, so "[CARD]" is never re-detected as a phone number.
 */
import type { GuardrailProfileConfig } from '../config/schema';
import { GatewayError } from '../errors';
import { denyDetector, piiDetectors, type Detector } from './detectors';

export type Direction = 'input' | 'output';
export type GuardAction = 'block' | 'redact';

export interface ActiveDetector extends Detector {
  action: GuardAction;
}

export interface Hit {
  rule: string;
  action: GuardAction;
  direction: Direction;
  count: number;
}

export interface Block {
  rule: string;
  direction: Direction;
}

export class GuardrailProfile {
  readonly input: ActiveDetector[];
  readonly output: ActiveDetector[];
  readonly maxPromptChars: number | undefined;
  readonly holdback: number;

  constructor(readonly name: string, cfg: GuardrailProfileConfig) {
    const both: ActiveDetector[] = [];
    for (const d of piiDetectors(cfg.pii)) both.push({ ...d, action: cfg.action });
    const deny = denyDetector(cfg.deny);
    if (deny) both.push({ ...deny, action: cfg.deny_action });
    this.input = cfg.directions.includes('input') ? [...both] : [];
    this.output = cfg.directions.includes('output') ? both.map((d) => ({ ...d, re: new RegExp(d.re.source, d.re.flags) })) : [];
    for (const r of cfg.rules) {
      const make = (): ActiveDetector => ({ rule: `rule.${r.name}`, re: new RegExp(r.pattern, `${r.flags}g`), replacement: r.replacement, action: r.action ?? cfg.action });
      // Deny-style rules first: a block must win over a redaction that would hide its match.
      if (r.direction !== 'output') this.input.push(make());
      if (r.direction !== 'input') this.output.push(make());
    }
    const blockFirst = (a: ActiveDetector, b: ActiveDetector) => (a.action === b.action ? 0 : a.action === 'block' ? -1 : 1);
    this.input.sort(blockFirst);
    this.output.sort(blockFirst);
    this.maxPromptChars = cfg.max_prompt_chars;
    // The window must cover the longest deny term, or a term split across chunks could slip out.
    this.holdback = Math.max(cfg.stream_holdback_chars, ...cfg.deny.map((t) => t.length + 2));
  }
}

/** Compiles every profile in a config; called from buildRuntime, so a reload recompiles. */
export function compileGuardrails(profiles: Record<string, GuardrailProfileConfig>): Map<string, GuardrailProfile> {
  const out = new Map<string, GuardrailProfile>();
  for (const [name, cfg] of Object.entries(profiles)) out.set(name, new GuardrailProfile(name, cfg));
  return out;
}

/** Accumulates what a request's scans did: hits to count and report, and the first block. */
export class ScanReport {
  hits: Hit[] = [];
  block: Block | null = null;

  add(rule: string, action: GuardAction, direction: Direction, n = 1): void {
    for (const h of this.hits) {
      if (h.rule === rule && h.action === action && h.direction === direction) {
        h.count += n;
        return;
      }
    }
    this.hits.push({ rule, action, direction, count: n });
  }

  /** `x-foundry-guardrail` value: `<action>:<direction>:<rule>` entries, comma-separated. */
  header(direction?: Direction): string {
    let out = '';
    for (const h of this.hits) {
      if (direction && h.direction !== direction) continue;
      out += `${out ? ', ' : ''}${h.action}:${h.direction}:${h.rule}`;
    }
    return out;
  }
}

function firstValid(d: Detector, text: string): boolean {
  d.re.lastIndex = 0;
  for (let m = d.re.exec(text); m; m = d.re.exec(text)) {
    if (!d.valid || d.valid(m[0])) return true;
    if (m[0].length === 0) d.re.lastIndex++;
  }
  return false;
}

/**
 * Scans one string. Returns the (possibly redacted) text; a block is recorded in the report and
 * the caller stops. Fast path: a detector whose regex finds nothing costs one regex scan.
 */
export function scanText(detectors: readonly ActiveDetector[], text: string, direction: Direction, report: ScanReport): string {
  for (let i = 0; i < detectors.length; i++) {
    const d = detectors[i]!;
    if (d.hint !== undefined && text.indexOf(d.hint) < 0) continue;
    if (d.action === 'block') {
      if (firstValid(d, text)) {
        report.add(d.rule, 'block', direction);
        report.block = { rule: d.rule, direction };
        return text;
      }
      continue;
    }
    d.re.lastIndex = 0;
    if (!d.re.test(text)) continue;
    let n = 0;
    text = text.replace(d.re, (m) => {
      if (d.valid && !d.valid(m)) return m;
      n++;
      return d.replacement;
    });
    if (n) report.add(d.rule, 'redact', direction, n);
  }
  return text;
}

/**
 * Scans tool-call arguments (a JSON text the model wrote). When they parse, each string value is
 * scanned on its own and the JSON re-serialized, so a placeholder can never break the structure;
 * otherwise (a model wrote invalid JSON) the raw text is scanned.
 */
export function scanArguments(detectors: readonly ActiveDetector[], args: string, direction: Direction, report: ScanReport): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return scanText(detectors, args, direction, report);
  }
  let changed = false;
  const walk = (v: unknown): unknown => {
    if (report.block) return v;
    if (typeof v === 'string') {
      const out = scanText(detectors, v, direction, report);
      if (out !== v) changed = true;
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) o[k] = walk(o[k]);
    }
    return v;
  };
  const out = walk(parsed);
  return changed ? JSON.stringify(out) : args;
}

type ToolCallHolder = { tool_calls?: unknown; function_call?: unknown };

/** Visits the `arguments` of every tool call (and legacy function_call) a message carries. */
export function eachToolArguments(msg: ToolCallHolder, visit: (args: string, set: (t: string) => void) => void): void {
  if (Array.isArray(msg.tool_calls)) {
    for (const tc of msg.tool_calls as { function?: { arguments?: unknown } }[]) {
      const f = tc?.function;
      if (f && typeof f.arguments === 'string') visit(f.arguments, (t) => (f.arguments = t));
    }
  }
  const fc = msg.function_call as { arguments?: unknown } | undefined;
  if (fc && typeof fc.arguments === 'string') visit(fc.arguments, (t) => (fc.arguments = t));
}

/** Visits every prompt string of a chat, completions or embeddings body; `set` replaces it. */
function eachInputText(body: Record<string, unknown>, visit: (text: string, set: (t: string) => void) => void): void {
  const msgs = body.messages;
  if (Array.isArray(msgs)) {
    for (const m of msgs as Record<string, unknown>[]) {
      if (!m || typeof m !== 'object') continue;
      const c = m.content;
      if (typeof c === 'string') visit(c, (t) => (m.content = t));
      else if (Array.isArray(c)) {
        for (const part of c as Record<string, unknown>[]) {
          if (part && typeof part.text === 'string') visit(part.text, (t) => (part.text = t));
        }
      }
    }
    return;
  }
  for (const field of ['prompt', 'input'] as const) {
    const p = body[field];
    if (typeof p === 'string') visit(p, (t) => (body[field] = t));
    else if (Array.isArray(p)) p.forEach((x, i) => typeof x === 'string' && visit(x, (t) => (p[i] = t)));
  }
}

/**
 * Applies the input side of a profile to a request body, in place. Returns true when the body
 * changed (the caller must then re-serialize instead of forwarding the client's bytes).
 */
export function guardInput(profile: GuardrailProfile, body: Record<string, unknown>, report: ScanReport): boolean {
  let changed = false;
  const msgs = Array.isArray(body.messages) ? (body.messages as ToolCallHolder[]) : [];
  if (profile.maxPromptChars !== undefined) {
    let chars = 0;
    eachInputText(body, (t) => (chars += t.length));
    for (const m of msgs) if (m && typeof m === 'object') eachToolArguments(m, (a) => (chars += a.length));
    if (chars > profile.maxPromptChars) {
      report.add('max_prompt_chars', 'block', 'input');
      report.block = { rule: 'max_prompt_chars', direction: 'input' };
      return false;
    }
  }
  if (profile.input.length === 0) return false;
  eachInputText(body, (text, set) => {
    if (report.block) return;
    const out = scanText(profile.input, text, 'input', report);
    if (out !== text) {
      set(out);
      changed = true;
    }
  });
  // Tool-call arguments in the conversation history are prompt text too.
  for (const m of msgs) {
    if (report.block) break;
    if (!m || typeof m !== 'object') continue;
    eachToolArguments(m, (args, set) => {
      if (report.block) return;
      const out = scanArguments(profile.input, args, 'input', report);
      if (out !== args) {
        set(out);
        changed = true;
      }
    });
  }
  return changed;
}

/**
 * Applies the output side to a non-streaming chat or completions answer. Returns the new bytes,
 * or null when nothing changed (the upstream's bytes are sent as they are).
 */
export function guardOutput(profile: GuardrailProfile, body: Buffer | string, report: ScanReport): string | null {
  if (profile.output.length === 0) return null;
  let obj: { choices?: { message?: { content?: unknown } & ToolCallHolder; text?: unknown }[] };
  try {
    obj = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return null;
  }
  let changed = false;
  for (const c of obj.choices ?? []) {
    if (report.block) break;
    if (c.message && typeof c.message.content === 'string') {
      const out = scanText(profile.output, c.message.content, 'output', report);
      if (out !== c.message.content) (c.message.content = out), (changed = true);
    } else if (typeof c.text === 'string') {
      const out = scanText(profile.output, c.text, 'output', report);
      if (out !== c.text) (c.text = out), (changed = true);
    }
    if (c.message && !report.block) {
      eachToolArguments(c.message, (args, set) => {
        if (report.block) return;
        const out = scanArguments(profile.output, args, 'output', report);
        if (out !== args) (set(out), (changed = true));
      });
    }
  }
  return changed && !report.block ? JSON.stringify(obj) : null;
}

/**
 * Streaming output, one instance per choice: text arrives in arbitrary pieces, so the last
 * `holdback` characters are held until more text (or the end) shows they are not the start of a
 * match. Any candidate match that reaches into the held tail is held whole, so an email or card
 * split over two chunks is redacted as one. Held text is capped (16× the window) so a runaway
 * token cannot stall a stream; past the cap it is scanned and released as it is.
 */
export class StreamRedactor {
  private held = '';

  constructor(private readonly profile: GuardrailProfile, private readonly report: ScanReport) {}

  /** New text in; text safe to send out (possibly ''). Check report.block after each call. */
  push(text: string): string {
    const buf = this.held + text;
    let cut = buf.length - this.profile.holdback;
    if (cut <= 0) {
      this.held = buf;
      return '';
    }
    if (buf.length < this.profile.holdback * 16) {
      for (let moved = true; moved && cut > 0; ) {
        moved = false;
        for (const d of this.profile.output) {
          if (d.hint !== undefined && buf.indexOf(d.hint) < 0) continue;
          d.re.lastIndex = 0;
          for (let m = d.re.exec(buf); m; m = d.re.exec(buf)) {
            if (m[0].length === 0) {
              d.re.lastIndex++;
              continue;
            }
            const end = m.index + m[0].length;
            if (end > cut && m.index < cut) {
              cut = m.index;
              moved = true;
            }
          }
        }
      }
    }
    this.held = buf.slice(cut);
    return cut > 0 ? scanText(this.profile.output, buf.slice(0, cut), 'output', this.report) : '';
  }

  /** The stream's text is complete: everything held is scanned and released. */
  flush(): string {
    const t = this.held;
    this.held = '';
    return t ? scanText(this.profile.output, t, 'output', this.report) : '';
  }
}

/** The client-facing error for a block: names the profile, the rule and the side, never the text. */
export function blockedError(profile: string, block: Block): GatewayError {
  const where = block.direction === 'input' ? 'request' : 'response';
  return new GatewayError('guardrail_blocked', `The ${where} was blocked by guardrail profile "${profile}" (rule ${block.rule}).`);
}
