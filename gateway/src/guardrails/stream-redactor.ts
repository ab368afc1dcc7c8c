import type { GuardrailProfile } from './profile';
import type { ScanReport } from './report';
import { scanText } from './scan';

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
