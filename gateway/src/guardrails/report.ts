/** What a request's guardrail scans did: hits to count and report, the first block, and its error. */
import { GatewayError } from '../errors';
import type { Direction, GuardAction } from './profile';

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

/** The response header (and, on streams, the trailer and SSE comment) that carries `ScanReport.header()`. */
export const GUARDRAIL_HEADER = 'x-foundry-guardrail';

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

/** The client-facing error for a block: names the profile, the rule and the side, never the text. */
export function blockedError(profile: string, block: Block): GatewayError {
  const where = block.direction === 'input' ? 'request' : 'response';
  return new GatewayError('guardrail_blocked', `The ${where} was blocked by guardrail profile "${profile}" (rule ${block.rule}).`);
}
