/**
 * Scanning one string with a detector list, in a fixed order. `block` detectors stop at the first
 * valid match; `redact` detectors replace each valid match with a placeholder, and later detectors
 * see the placeholders, so "[CARD]" is never re-detected as a phone number.
 */
import type { Detector } from './detectors';
import type { ActiveDetector, Direction } from './profile';
import type { ScanReport } from './report';

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
