/**
 * The access log: one JSON line per request, in the shape pino writes (`{"level":30,"time":…,…}`),
 * built with one JSON.stringify of a flat object instead of pino's per-key serializer, which
 * showed in the request path's profile. The destination is pino's (sonic-boom on stdout, async)
 * or whatever a caller passes, so where lines go and how they are flushed is unchanged; on stdout
 * lines are written in batches of about 16 KB and at most a second after they were logged.
 */
export interface LineDestination {
  write(line: string): unknown;
}

/** How long a logged line may sit in the stdout buffer when traffic is too light to fill it. */
const FLUSH_EVERY_MS = 1_000;

export class AccessLog {
  private pending = false;
  private readonly timer: NodeJS.Timeout | null;

  /** `flushable`: a buffering destination (sonic-boom) whose buffer is flushed on a timer and on close. */
  constructor(
    private readonly dest: LineDestination,
    private readonly flushable: { flush(): void } | null = null,
  ) {
    this.timer = flushable ? setInterval(() => this.flushPending(), FLUSH_EVERY_MS).unref() : null;
  }

  /** `fields` must be a non-empty flat object; undefined values are left out, as JSON drops them. */
  write(fields: Record<string, unknown>): void {
    this.dest.write(`{"level":30,"time":${Date.now()},${JSON.stringify(fields).slice(1)}\n`);
    this.pending = true;
  }

  private flushPending(): void {
    if (!this.pending) return;
    this.pending = false;
    try {
      this.flushable!.flush();
    } catch {
      // A destroyed stdout (the container is stopping) has nothing left to flush to.
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flushPending();
  }
}
