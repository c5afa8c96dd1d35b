/**
 * Progress of long CLI work on stderr: a redrawn bar when stderr is a terminal, otherwise a
 * plain line every few seconds (so logs of scripted runs stay readable). stdout stays free for
 * the command's output.
 */
const BAR_WIDTH = 24;

export interface ProgressOptions {
  /** What is being done, e.g. "importing". */
  label: string;
  /** Total units of `fraction` work when known (e.g. bytes of the file). */
  total?: number;
  stream?: NodeJS.WriteStream;
  /** Seconds between lines when not on a terminal. */
  intervalSeconds?: number;
  now?: () => number;
}

/** A progress display for a count of rows (or items), with rate and an optional bar. */
export class Progress {
  readonly #label: string;
  readonly #total: number | undefined;
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #interval: number;
  readonly #now: () => number;
  readonly #started: number;
  #lastDraw = 0;
  #count = 0;
  #done = 0;

  constructor(options: ProgressOptions) {
    this.#label = options.label;
    this.#total = options.total;
    this.#stream = options.stream ?? process.stderr;
    this.#tty = Boolean(this.#stream.isTTY);
    this.#interval = (options.intervalSeconds ?? 5) * 1000;
    this.#now = options.now ?? Date.now;
    this.#started = this.#now();
    this.#lastDraw = this.#started;
  }

  /** Reports `count` items so far and `done` units of the total (e.g. bytes read). */
  update(count: number, done = 0, note = ""): void {
    this.#count = count;
    this.#done = done;
    const now = this.#now();
    if (this.#tty) {
      if (now - this.#lastDraw < 100) return;
      this.#lastDraw = now;
      this.#stream.write(`\r${this.#line(note)}\x1b[K`);
    } else if (now - this.#lastDraw >= this.#interval) {
      this.#lastDraw = now;
      this.#stream.write(`${this.#line(note)}\n`);
    }
  }

  /** Clears the bar (on a terminal) and prints the final count and rate. */
  finish(note = ""): void {
    if (this.#tty) this.#stream.write("\r\x1b[K");
    this.#stream.write(`${this.#line(note, true)}\n`);
  }

  /** Items per second so far. */
  rate(): number {
    const seconds = (this.#now() - this.#started) / 1000;
    return seconds > 0 ? this.#count / seconds : 0;
  }

  #line(note: string, final = false): string {
    const seconds = (this.#now() - this.#started) / 1000;
    const parts = [this.#label];
    if (this.#total && !final) {
      const fraction = Math.min(1, this.#done / this.#total);
      const filled = Math.round(fraction * BAR_WIDTH);
      parts.push(`[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`);
    }
    parts.push(`${this.#count.toLocaleString("en-US")} rows`, `${Math.round(this.rate()).toLocaleString("en-US")} rows/s`, `${seconds.toFixed(1)} s`);
    if (note) parts.push(note);
    return parts.join("  ");
  }
}
