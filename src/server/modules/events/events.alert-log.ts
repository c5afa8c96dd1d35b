/**
 * The alert journal on SQLite: an append-only log of its own beside the database
 * (`<name>.alert-log/`), one record per group commit. An append is one write of one buffer to
 * the end of the current segment, done before the 200 is sent: the same durability as the main
 * database's WAL with synchronous=NORMAL (kill -9 loses nothing written; a power loss can lose
 * what the OS had not flushed). It replaces a journal kept in an SQLite file of its own, whose
 * insert, commit and checkpoint cost about four times the CPU of this write
 * (bench/RESULTS.md, session 17).
 *
 * Records: a 24-byte header (magic, payload length, alert count, id as two 32-bit halves, CRC-32
 * of the header's first 20 bytes and the payload) and the payload, the alerts as a JSON array.
 * Ids go up by one from record to record. Segments are files named by their first record's id;
 * the writer starts a new one past SEGMENT_BYTES, and `prune` deletes the segments whose every
 * record the "folded up to" mark covers (the mark lives in the main database, moved in the same
 * transaction as the folded alerts: see events.journal.ts).
 *
 * One process appends: the one holding `owner.lock`, an SQLite file in the directory on which it
 * keeps an exclusive lock while it runs (the OS drops it when the process ends, however it
 * ends). Another process on the same database appends to the main database's `alert_journal`
 * table instead, as PostgreSQL nodes do, and tries for the lock again later. Readers (the fold
 * thread) read the segments without the lock: a record still being written is incomplete or
 * fails its CRC at the end of the newest segment, and is left for the next read.
 *
 * At open the owner cuts a torn last record (a write a crash interrupted, never acknowledged),
 * numbers new records past the mark (a lost log must not produce ids the mark already covers),
 * and takes over the rows an earlier version left in its journal file (`<name>.alerts.sqlite`).
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import BetterSqlite3 from "better-sqlite3";

/** One journal record: one group commit's alerts as a JSON array. */
export interface JournalRecord {
  id: number;
  count: number;
  alerts: string;
}

/** What a fold reads the journal through (the log here; tests may use others). */
export interface JournalSource {
  /**
   * The oldest records after `mark` holding at most `maxAlerts` alerts between them (always at
   * least one), up to `maxRows` records; `more` when a complete record follows them.
   */
  batchAfter(mark: number, maxAlerts: number, maxRows: number): { rows: JournalRecord[]; more: boolean };
}

const MAGIC = 0x4c41444f; // "ODAL"
const HEADER = 24;
const TWO_32 = 4294967296;
/** A new segment starts once the current one holds this many bytes. */
export const SEGMENT_BYTES = 32 * 1024 * 1024;
const READ_CHUNK = 1024 * 1024;
const SEGMENT_NAME = /^(\d{16})\.log$/;

/** The log directory of an SQLite database file (null for an in-memory database: its journal is the table). */
export function alertLogDirFor(mainFile: string): string | null {
  if (!mainFile || mainFile === ":memory:") return null;
  const ext = path.extname(mainFile);
  return path.join(path.dirname(mainFile), `${path.basename(mainFile, ext)}.alert-log`);
}

/** The journal file earlier versions kept beside the database (`<name>.alerts<ext>`). */
export function legacyJournalFileFor(mainFile: string): string {
  const ext = path.extname(mainFile);
  return path.join(path.dirname(mainFile), `${path.basename(mainFile, ext)}.alerts${ext || ".sqlite"}`);
}

function segmentName(firstId: number): string {
  return `${String(firstId).padStart(16, "0")}.log`;
}

/** First ids of the directory's segments, oldest first. */
function listSegments(dir: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const out: number[] = [];
  for (const n of names) {
    const m = SEGMENT_NAME.exec(n);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

/**
 * Buffers kept for reuse up to this size. A fresh buffer of a group commit's size (~85 KB at
 * batches of 100) cost 30-350 us to allocate and fault in, writing a record into a reused one
 * ~6 us (bench alert-fold's appends, session 17).
 */
const SCRATCH_MAX = 4 * 1024 * 1024;

/** A buffer of at least `size` bytes: `scratch` when large enough, else a larger one (kept in `holder` up to SCRATCH_MAX). */
function bufferFor(holder: { buf: Buffer }, size: number): Buffer {
  if (holder.buf.length >= size) return holder.buf;
  const buf = Buffer.allocUnsafe(Math.max(size, Math.min(2 * holder.buf.length, SCRATCH_MAX)));
  if (buf.length <= SCRATCH_MAX) holder.buf = buf;
  return buf;
}

/** Writes one record into `target` (room for HEADER + 3 bytes per UTF-16 unit of the JSON); returns its length. */
function encodeInto(target: Buffer, id: number, count: number, alertsJson: string): number {
  const length = target.write(alertsJson, HEADER, "utf8");
  const buf = target;
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(length, 4);
  buf.writeUInt32LE(count, 8);
  buf.writeUInt32LE(id % TWO_32, 12);
  buf.writeUInt32LE(Math.floor(id / TWO_32), 16);
  buf.writeUInt32LE(zlib.crc32(buf.subarray(HEADER, HEADER + length), zlib.crc32(buf.subarray(0, 20))), 20);
  return HEADER + length;
}

/** The worst case of UTF-8 bytes for a JavaScript string: 3 per UTF-16 unit (a surrogate pair's 4 bytes are 2 units). */
const maxRecordBytes = (alertsJson: string) => HEADER + 3 * alertsJson.length;

/** One record, encoded (a buffer of its own). */
export function encodeRecord(id: number, count: number, alertsJson: string): Buffer {
  const buf = Buffer.allocUnsafe(maxRecordBytes(alertsJson));
  return buf.subarray(0, encodeInto(buf, id, count, alertsJson));
}

type Decoded = { kind: "record"; id: number; count: number; start: number; end: number } | { kind: "short"; need: number } | { kind: "bad"; why: string };

/** The record at `at` of `buf` (whose bytes end at `len`): complete, short of bytes, or bad. */
function decodeAt(buf: Buffer, at: number, len: number): Decoded {
  if (len - at < HEADER) return { kind: "short", need: HEADER };
  if (buf.readUInt32LE(at) !== MAGIC) return { kind: "bad", why: "bad magic" };
  const length = buf.readUInt32LE(at + 4);
  if (len - at < HEADER + length) return { kind: "short", need: HEADER + length };
  const crc = zlib.crc32(buf.subarray(at + HEADER, at + HEADER + length), zlib.crc32(buf.subarray(at, at + 20)));
  if (crc !== buf.readUInt32LE(at + 20)) return { kind: "bad", why: "checksum mismatch" };
  const id = buf.readUInt32LE(at + 12) + buf.readUInt32LE(at + 16) * TWO_32;
  return { kind: "record", id, count: buf.readUInt32LE(at + 8), start: at + HEADER, end: at + HEADER + length };
}

/** Calls `visit` for each complete record of a segment from byte `from`; returns where the complete records end and what stopped the walk. */
function walkSegment(
  scratch: { buf: Buffer },
  file: string,
  from: number,
  visit: (rec: { id: number; count: number; payload: () => string; offset: number; next: number }) => boolean,
): { end: number; stop: "eof" | "visitor" | "incomplete" | "bad"; why?: string } {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { end: from, stop: "eof" };
    throw err;
  }
  try {
    let buf = bufferFor(scratch, READ_CHUNK);
    let base = from; // file offset of buf[0]
    let len = fs.readSync(fd, buf, 0, buf.length, base);
    let at = 0;
    for (;;) {
      const d = decodeAt(buf, at, len);
      if (d.kind === "record") {
        const next = base + d.end;
        const goOn = visit({ id: d.id, count: d.count, payload: () => buf.toString("utf8", d.start, d.end), offset: base + at, next });
        at = d.end;
        if (!goOn) return { end: next, stop: "visitor" };
        continue;
      }
      if (d.kind === "bad") return { end: base + at, stop: "bad", why: d.why };
      // Short: read on from this record (a larger buffer when the record is larger than it).
      const need = Math.max(d.need, READ_CHUNK);
      const before = len - at;
      if (need > buf.length) {
        const bigger = bufferFor(scratch, need);
        buf.copy(bigger, 0, at, len);
        buf = bigger;
      } else buf.copy(buf, 0, at, len);
      base += at;
      at = 0;
      const got = fs.readSync(fd, buf, before, buf.length - before, base + before);
      len = before + got;
      if (got === 0) return { end: base, stop: before === 0 ? "eof" : "incomplete" };
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** True when every byte of `file` from `from` on is zero (what a power cut leaves past the last flushed write). */
function zerosFrom(file: string, from: number): boolean {
  const data = fs.readFileSync(file).subarray(from);
  return data.every((b) => b === 0);
}

/** Reads the log (any thread, any process; no lock). */
export class AlertLogReader implements JournalSource {
  // Where the last read stopped: the next record's id and its place, so the next fold starts there.
  #cursor: { segment: number; offset: number; nextId: number } | null = null;

  /** A read (and, for the writer, write) buffer reused from call to call. */
  protected readonly scratch = { buf: Buffer.alloc(0) };

  constructor(readonly dir: string) {}

  batchAfter(mark: number, maxAlerts: number, maxRows: number): { rows: JournalRecord[]; more: boolean } {
    const segments = listSegments(this.dir);
    const rows: JournalRecord[] = [];
    let n = 0;
    let more = false;
    let start = 0;
    let offset = 0;
    const c = this.#cursor;
    if (c && c.nextId === mark + 1 && segments.includes(c.segment)) {
      start = segments.indexOf(c.segment);
      offset = c.offset;
    } else {
      // The last segment starting at or before the record after the mark.
      while (start + 1 < segments.length && segments[start + 1] <= mark + 1) start++;
    }
    for (let s = start; s < segments.length && !more; s++) {
      const file = path.join(this.dir, segmentName(segments[s]));
      const walked = walkSegment(this.scratch, file, s === start ? offset : 0, (rec) => {
        if (rec.id <= mark) return true;
        if (rows.length >= maxRows || (rows.length > 0 && n + rec.count > maxAlerts)) {
          more = true;
          this.#cursor = { segment: segments[s], offset: rec.offset, nextId: rec.id };
          return false;
        }
        rows.push({ id: rec.id, count: rec.count, alerts: rec.payload() });
        n += rec.count;
        this.#cursor = { segment: segments[s], offset: rec.next, nextId: rec.id + 1 };
        return true;
      });
      // A record being written shows as the newest segment's incomplete last one: left for the
      // next read. Anything else is damage (the owner cut torn writes before anyone read).
      if (walked.stop === "bad" || (walked.stop === "incomplete" && s !== segments.length - 1)) {
        throw new Error(`alert log ${file}: ${walked.why ?? "truncated record"} at byte ${walked.end}`);
      }
    }
    return { rows, more };
  }

  /** True when a complete record after `mark` is there. */
  hasRowsAfter(mark: number): boolean {
    return this.batchAfter(mark, 1, 1).rows.length > 0;
  }

  /** Up to `limit` records after `mark`, oldest first. */
  rowsAfter(mark: number, limit: number): JournalRecord[] {
    return this.batchAfter(mark, Number.MAX_SAFE_INTEGER, limit).rows;
  }
}

/** The appending side: the process that holds the owner lock. */
export class AlertLog extends AlertLogReader {
  readonly #lock: BetterSqlite3.Database;
  #segments: number[];
  #fd: number;
  #size: number;
  #nextId: number;
  #closed = false;
  readonly #segmentBytes: number;

  private constructor(dir: string, lock: BetterSqlite3.Database, segments: number[], fd: number, size: number, nextId: number, segmentBytes: number) {
    super(dir);
    this.#segmentBytes = segmentBytes;
    this.#lock = lock;
    this.#segments = segments;
    this.#fd = fd;
    this.#size = size;
    this.#nextId = nextId;
  }

  /**
   * Opens the log for appending, or null when another live process owns it (that process's
   * appends go to the log; this one's to the journal table). `mark`: the main database's
   * "folded up to" mark. `legacyFile`: a journal file of an earlier version whose rows after the
   * mark are taken over (then the file is deleted). `segmentBytes`: where a new segment starts
   * (tests).
   */
  static open(dir: string, mark: number, legacyFile?: string, options: { segmentBytes?: number } = {}): AlertLog | null {
    fs.mkdirSync(dir, { recursive: true });
    const lock = new BetterSqlite3(path.join(dir, "owner.lock"));
    try {
      lock.pragma("busy_timeout = 0");
      lock.pragma("locking_mode = EXCLUSIVE");
      lock.exec("begin exclusive");
    } catch (err) {
      lock.close();
      if ((err as { code?: string }).code === "SQLITE_BUSY") return null;
      throw err;
    }
    try {
      return AlertLog.#recover(dir, lock, mark, legacyFile, options.segmentBytes ?? SEGMENT_BYTES);
    } catch (err) {
      lock.close();
      throw err;
    }
  }

  static #recover(dir: string, lock: BetterSqlite3.Database, mark: number, legacyFile: string | undefined, segmentBytes: number): AlertLog {
    let segments = listSegments(dir);
    // Cut what follows each segment's last complete record: a write a crash interrupted (never
    // acknowledged), or one a copy of a running log caught half-way (a backup). A bad record
    // (magic or checksum) followed by nothing but zeros at the newest segment's end is the same
    // thing after a power cut; any other bad record is damage, and nothing is skipped silently.
    let lastId = 0;
    segments.forEach((first, i) => {
      const file = path.join(dir, segmentName(first));
      const walked = walkSegment({ buf: Buffer.alloc(0) }, file, 0, (rec) => ((lastId = rec.id), true));
      if (walked.stop === "bad" && (i < segments.length - 1 || !zerosFrom(file, walked.end))) {
        throw new Error(`alert log ${file}: ${walked.why} at byte ${walked.end}`);
      }
      if (walked.stop !== "eof") fs.truncateSync(file, walked.end);
    });
    if (segments.length) lastId = Math.max(lastId, segments.at(-1)! - 1);
    let nextId = Math.max(lastId, mark) + 1;
    // Rows an earlier version's journal file holds past the mark (and past what was taken over
    // already, should a take-over have been cut short): appended with their ids, in order.
    const legacy = legacyFile && fs.existsSync(legacyFile) ? AlertLog.#legacyRows(legacyFile, Math.max(mark, lastId)) : null;
    if (legacy?.length) nextId = Math.max(nextId, legacy[0].id);
    if (!segments.length || (legacy?.length ?? 0) > 0) {
      fs.writeFileSync(path.join(dir, segmentName(nextId)), "", { flag: "a" });
      segments = listSegments(dir);
    }
    const active = segments.at(-1)!;
    const activeFile = path.join(dir, segmentName(active));
    const fd = fs.openSync(activeFile, "r+");
    const log = new AlertLog(dir, lock, segments, fd, fs.fstatSync(fd).size, nextId, segmentBytes);
    if (legacy) {
      for (const r of legacy) log.#write(r.id, r.count, r.alerts);
      for (const f of [legacyFile!, `${legacyFile}-wal`, `${legacyFile}-shm`]) fs.rmSync(f, { force: true });
    }
    return log;
  }

  static #legacyRows(file: string, after: number): JournalRecord[] {
    const db = new BetterSqlite3(file);
    try {
      const exists = db.prepare(`select 1 from sqlite_master where type = 'table' and name = 'alert_journal'`).get();
      if (!exists) return [];
      return db.prepare(`select "id", "count", "alerts" from "alert_journal" where "id" > ? and "count" > 0 order by "id"`).all(after) as JournalRecord[];
    } finally {
      db.close();
    }
  }

  /** Appends one group commit's alerts (already JSON); returns the record's id once it is written. */
  append(count: number, alertsJson: string): number {
    const id = this.#nextId;
    this.#write(id, count, alertsJson);
    return id;
  }

  #write(id: number, count: number, alertsJson: string): void {
    if (this.#closed) throw new Error("alert log closed");
    if (this.#size >= this.#segmentBytes) this.#roll(id);
    const room = bufferFor(this.scratch, maxRecordBytes(alertsJson));
    const buf = room.subarray(0, encodeInto(room, id, count, alertsJson));
    let written = 0;
    try {
      while (written < buf.length) {
        const n = fs.writeSync(this.#fd, buf, written, buf.length - written, this.#size + written);
        if (n <= 0) throw new Error("alert log: write made no progress");
        written += n;
      }
    } catch (err) {
      // Nothing of a failed append stays: the next record starts where this one would have.
      if (written > 0) fs.ftruncateSync(this.#fd, this.#size);
      throw err;
    }
    this.#size += buf.length;
    this.#nextId = id + 1;
  }

  /** Starts a new segment whose first record is `firstId`. */
  #roll(firstId: number): void {
    const fd = fs.openSync(path.join(this.dir, segmentName(firstId)), "w+");
    fs.closeSync(this.#fd);
    this.#fd = fd;
    this.#size = 0;
    this.#segments.push(firstId);
  }

  /** True when a record after `mark` is there: ids are consecutive, so the writer knows without reading. */
  override hasRowsAfter(mark: number): boolean {
    return this.#nextId - 1 > mark;
  }

  /** Deletes the segments whose every record is at or under `mark` (never the one being written). */
  prune(mark: number): void {
    while (this.#segments.length > 1 && this.#segments[1] <= mark + 1) {
      fs.rmSync(path.join(this.dir, segmentName(this.#segments[0])), { force: true });
      this.#segments.shift();
    }
  }

  /** Closes the segment and lets go of the owner lock. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    fs.closeSync(this.#fd);
    this.#lock.close();
  }
}
