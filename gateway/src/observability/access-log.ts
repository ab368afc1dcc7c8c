/**
 * The access log: one JSON line per request, in the shape pino writes (`{"level":30,"time":…,…}`),
 * built with one JSON.stringify of a flat object instead of pino's per-key serializer, which
 * showed in the request path's profile. Lines to stdout are batched here, ~16 KB per write and at
 * most a second late: sonic-boom's own minLength buffering measures the byte length of its whole
 * pending buffer on every write, which cost more per line at 16 KB than the line itself. Any other
 * destination (tests) gets each line as it is logged.
 */
export interface LineDestination {
  write(line: string): unknown;
}

/** How long a logged line may wait for the batch to fill when traffic is light. */
const FLUSH_EVERY_MS = 1_000;

export class AccessLog {
  private batch = '';
  private readonly timer: NodeJS.Timeout | null;

  /** `batchChars`: write when this many characters are pending (0: every line at once). */
  constructor(
    private readonly dest: LineDestination,
    private readonly batchChars = 0,
  ) {
    this.timer = batchChars > 0 ? setInterval(() => this.flush(), FLUSH_EVERY_MS).unref() : null;
  }

  /** `fields` must be a non-empty flat object; undefined values are left out, as JSON drops them. */
  write(fields: Record<string, unknown>): void {
    const line = `{"level":30,"time":${Date.now()},${JSON.stringify(fields).slice(1)}\n`;
    if (this.batchChars === 0) {
      this.dest.write(line);
      return;
    }
    this.batch += line;
    if (this.batch.length >= this.batchChars) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const out = this.batch;
    this.batch = '';
    try {
      this.dest.write(out);
    } catch {
      // A destroyed stdout (the container is stopping) has nowhere left to write to.
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }
}
