/**
 * The access log: one JSON line per request, in the shape pino writes (`{"level":30,"time":…,…}`),
 * built with one JSON.stringify of a flat object instead of pino's per-key serializer, which
 * showed in the request path's profile. Lines to stdout are batched here, ~16 KB per write and at
 * most a second late: sonic-boom's own minLength buffering measures the byte length of its whole
 * pending buffer on every write, which cost more per line at 16 KB than the line itself. The batch
 * is bytes, each line encoded into it as it is logged: a batch kept as one long string was
 * flattened, measured and encoded again by every layer below (sonic-boom's utf8 mode, fs.write),
 * which the profile showed as the largest single cost of the request path after the socket writes.
 * The destination then gets Buffers (sonic-boom with contentMode 'buffer'). Without batching
 * (tests) each line is written as a string as it is logged.
 */
export interface LineDestination {
  write(line: string | Buffer): unknown;
}

/** Room past the batch size for the line that crosses it; a longer line (logged bodies) goes out on its own. */
const LINE_ROOM = 16 * 1024;

/** How long a logged line may wait for the batch to fill when traffic is light. */
const FLUSH_EVERY_MS = 1_000;

export class AccessLog {
  private batch: Buffer | null;
  private used = 0;
  private readonly timer: NodeJS.Timeout | null;

  /** `batchBytes`: write when this many bytes are pending (0: every line at once, as a string). */
  constructor(
    private readonly dest: LineDestination,
    private readonly batchBytes = 0,
  ) {
    this.batch = batchBytes > 0 ? Buffer.allocUnsafe(batchBytes + LINE_ROOM) : null;
    this.timer = batchBytes > 0 ? setInterval(() => this.flush(), FLUSH_EVERY_MS).unref() : null;
  }

  /** `fields` must be a non-empty flat object; undefined values are left out, as JSON drops them. */
  write(fields: Record<string, unknown>): void {
    const line = `{"level":30,"time":${Date.now()},${JSON.stringify(fields).slice(1)}\n`;
    if (this.batch === null) {
      this.dest.write(line);
      return;
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit, so this bound is safe without measuring the line.
    if (this.used + line.length * 3 > this.batch.length) {
      this.flush();
      if (line.length * 3 > this.batch.length) return this.send(Buffer.from(line));
    }
    this.used += this.batch.write(line, this.used);
    if (this.used >= this.batchBytes) this.flush();
  }

  flush(): void {
    if (this.batch === null || this.used === 0) return;
    const out = this.batch.subarray(0, this.used);
    // The destination may hold on to `out` until its write completes: the next batch is a new buffer.
    this.batch = Buffer.allocUnsafe(this.batch.length);
    this.used = 0;
    this.send(out);
  }

  private send(out: Buffer): void {
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
