/**
 * "Try it": runs a profile over sample text with the gateway's own engine (compiled exactly as a
 * gateway compiles it on config load) and says what it would block or redact, and why. Changes
 * nothing and keeps nothing; the sample text never reaches the audit chain or a log.
 */
import { createContext, runInContext } from 'node:vm';
import { GuardrailProfile as EngineProfile, ScanReport, blockedError, guardInput, guardOutput, type ActiveDetector } from '../../../gateway/src/guardrails/index';
import { FoundryError } from '../errors';
import type { GuardrailPolicy } from './policy';

/**
 * A dry run runs in the core's process, so it gets a time limit: a rule that is not exponential can
 * still be slow (a.*b.*c on a long sample is cubic), and the UI must not freeze on it. V8 interrupts
 * a running regex when a vm script's timeout fires, host functions called from it included.
 */
export const DRY_RUN_TIMEOUT_MS = 2_000;

export type Side = 'input' | 'output';

export interface GuardrailFinding {
  rule: string;
  action: 'block' | 'redact';
  count: number;
  /** What the rule looks for, in words. */
  why: string;
}

export interface GuardrailSideResult {
  /** The text as the gateway would pass it on (redacted), or as it was when blocked. */
  text: string;
  blocked: { rule: string; message: string; why: string; match: string | null } | null;
  findings: GuardrailFinding[];
}

export interface GuardrailTestResult {
  profile: string;
  input: GuardrailSideResult | null;
  output: GuardrailSideResult | null;
}

const PII_WORDS: Record<string, string> = {
  'pii.email': 'an email address',
  'pii.phone': 'a phone number',
  'pii.card': 'a payment card number (Luhn-valid)',
  'pii.iban': 'an IBAN (mod-97 valid)',
  'pii.api_key': 'an API key or similar secret',
};

function why(rule: string, policy: GuardrailPolicy, promptChars: number): string {
  if (PII_WORDS[rule]) return PII_WORDS[rule]!;
  if (rule === 'deny') return 'a term on the deny list';
  if (rule === 'max_prompt_chars') return `the prompt has ${promptChars} characters; the profile allows ${policy.max_prompt_chars}`;
  const r = policy.rules.find((x) => `rule.${x.name}` === rule);
  return r ? `regex rule "${r.name}" (/${r.pattern}/${r.flags})` : rule;
}

/** The first text a blocking detector matched, found with the engine's own compiled regex. */
function firstMatch(detectors: readonly ActiveDetector[], rule: string, text: string): string | null {
  const d = detectors.find((x) => x.rule === rule);
  if (!d) return null;
  const re = new RegExp(d.re.source, d.re.flags);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (!d.valid || d.valid(m[0])) return m[0];
    if (m[0].length === 0) re.lastIndex++;
  }
  return null;
}

function side(engine: EngineProfile, policy: GuardrailPolicy, which: Side, text: string): GuardrailSideResult {
  const report = new ScanReport();
  let out = text;
  if (which === 'input') {
    const body = { messages: [{ role: 'user', content: text }] };
    guardInput(engine, body, report);
    out = body.messages[0]!.content;
  } else {
    const bytes = guardOutput(engine, JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: text } }] }), report);
    if (bytes) out = (JSON.parse(bytes) as { choices: { message: { content: string } }[] }).choices[0]!.message.content;
  }
  const findings = report.hits.map((h) => ({ rule: h.rule, action: h.action, count: h.count, why: why(h.rule, policy, text.length) }));
  const block = report.block;
  return {
    text: block ? text : out,
    blocked: block
      ? {
          rule: block.rule,
          message: blockedError(engine.name, block).message,
          why: why(block.rule, policy, text.length),
          match: firstMatch(which === 'input' ? engine.input : engine.output, block.rule, text),
        }
      : null,
    findings,
  };
}

/** Runs input and output samples independently (in the gateway, a blocked request never gets an answer). */
export function dryRun(name: string, policy: GuardrailPolicy, sample: { input?: string; output?: string }, timeoutMs = DRY_RUN_TIMEOUT_MS): GuardrailTestResult {
  const run = (): GuardrailTestResult => {
    const engine = new EngineProfile(name, policy);
    return {
      profile: name,
      input: sample.input === undefined ? null : side(engine, policy, 'input', sample.input),
      output: sample.output === undefined ? null : side(engine, policy, 'output', sample.output),
    };
  };
  try {
    return runInContext('run()', createContext({ run }), { timeout: timeoutMs }) as GuardrailTestResult;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw err;
    throw new FoundryError({
      code: 'FAILED_PRECONDITION',
      message: `Profile "${name}" took longer than ${timeoutMs / 1000} s on this sample and was stopped: one of its regex rules backtracks heavily on this text.`,
      hint: 'A gateway would stall the same way on such a request. Simplify the rule (avoid several .* or \\s* in a row, anchor it with a literal), or try a shorter sample.',
    });
  }
}
