/**
 * Guardrail profiles, compiled once per config load: every regex is built here, never per request.
 * Each side (input, output) gets its own detector list, block detectors first, so a block wins over
 * a redaction that would hide its match. The output side gets its own RegExp objects: a global
 * RegExp carries lastIndex between calls, so the two sides never share one.
 */
import type { GuardrailProfileConfig } from '../config/schema';
import { denyDetector, piiDetectors, type Detector } from './detectors';

export type Direction = 'input' | 'output';
export type GuardAction = 'block' | 'redact';

export interface ActiveDetector extends Detector {
  action: GuardAction;
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
