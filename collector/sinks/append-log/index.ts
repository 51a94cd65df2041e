/**
 * An append-only log of NDJSON segment files in one folder, shared by the
 * spool and the dead letters. Appends are group-committed: every append
 * waiting while a write is in progress goes out in the next single
 * write + fdatasync, and each append resolves only once its bytes are synced.
 *
 * Files: the segment being written is `<ms>-<seq>.ndjson.open`; a full (or
 * old, or closed) segment is renamed to `<ms>-<seq>.ndjson` ("sealed") and
 * never written again, so readers take only `*.ndjson` files. Names sort
 * oldest first. A `.open` segment left by a crash is sealed at open.
 *
 * @example
 * const log = await AppendLog.open({ dir: 'data/spool', maxBytes: 1e9 });
 * await log.append(Buffer.from('{"a":1}\n'), 1);
 * for (const seg of log.sealedSegments()) ...
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SEGMENT_MAX_BYTES } from '../../limits.ts';
import { OPEN_SEGMENT_SUFFIX, SEALED_SEGMENT_SUFFIX } from '../../../contract/data-dir.ts';


export interface AppendLogOptions {
  dir: string;
  /** Bound on all segments together; an append beyond it throws LogFullError. */
  maxBytes: number;
  segmentMaxBytes?: number;
  /** Seal the open segment once it is this old (checked on each append and by `sealIfOlderThan`). */
  segmentMaxAgeMs?: number;
  now?: () => number;
  /** Opens a segment for appending (tests inject a disk that fills up). */
  openFile?: (path: string) => Promise<FileHandle>;
}

export interface Segment {
  path: string;
  bytes: number;
  lines: number;
}

export class LogFullError extends Error {
  constructor(readonly dir: string, readonly maxBytes: number) {
    super(`${dir} is full (${maxBytes} bytes)`);
    this.name = 'LogFullError';
  }
}

interface PendingAppend {
  data: Buffer;
  lines: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** Writes all of `data` (a write may take only part of it), or throws. */
async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  for (let at = 0; at < data.length; ) {
    const { bytesWritten } = await handle.write(data, at, data.length - at);
    if (bytesWritten <= 0) throw Object.assign(new Error(`wrote 0 of ${data.length - at} bytes`), { code: 'EIO' });
    at += bytesWritten;
  }
}

function countLines(data: Buffer): number {
  let n = 0;
  for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) n++;
  return n;
}

export class AppendLog {
  private readonly sealed: Segment[] = [];
  private active: (Segment & { handle: FileHandle; openedAt: number }) | null = null;
  private pending: PendingAppend[] = [];
  private pendingBytes = 0;
  private writing: Promise<void> | null = null;
  private seq = 0;
  private totalBytes = 0;
  private totalLines = 0;
  private closed = false;

  private constructor(private readonly opts: Required<AppendLogOptions>) {}

  static async open(options: AppendLogOptions): Promise<AppendLog> {
    const log = new AppendLog({ segmentMaxBytes: SEGMENT_MAX_BYTES, segmentMaxAgeMs: Infinity, now: Date.now, openFile: (path) => open(path, 'a'), ...options });
    mkdirSync(options.dir, { recursive: true });
    for (const name of readdirSync(options.dir).sort()) {
      let path = join(options.dir, name);
      if (name.endsWith(OPEN_SEGMENT_SUFFIX)) {
        const sealedPath = path.slice(0, -'.open'.length);
        // Left by a crash: everything acknowledged in it was synced, so it is sealed as is.
        renameSync(path, sealedPath);
        path = sealedPath;
      } else if (!name.endsWith(SEALED_SEGMENT_SUFFIX)) continue;
      const bytes = statSync(path).size;
      if (bytes === 0) {
        await unlink(path);
        continue;
      }
      const lines = countLines(readFileSync(path));
      log.sealed.push({ path, bytes, lines });
      log.totalBytes += bytes;
      log.totalLines += lines;
    }
    return log;
  }

  /** Bytes and lines in all segments, sealed and open. */
  get bytes(): number {
    return this.totalBytes;
  }
  get lines(): number {
    return this.totalLines;
  }
  get segmentCount(): number {
    return this.sealed.length + (this.active ? 1 : 0);
  }
  get maxBytes(): number {
    return this.opts.maxBytes;
  }

  /**
   * Appends NDJSON `data` holding `lines` lines; resolves once synced to disk.
   * Throws LogFullError (without writing) when the log would exceed maxBytes,
   * unless `force` (used to put back what was taken out).
   */
  append(data: Buffer, lines = countLines(data), force = false): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`${this.opts.dir} is closed`));
    if (!force && this.wouldOverflow(data.length)) {
      // Another process may have consumed sealed segments (ingest lands dead letters and deletes them).
      this.forgetConsumed();
      if (this.wouldOverflow(data.length)) return Promise.reject(new LogFullError(this.opts.dir, this.opts.maxBytes));
    }
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ data, lines, resolve, reject });
      this.pendingBytes += data.length;
      if (!this.writing) this.writing = this.writeLoop();
    });
  }

  /**
   * Drops from the accounting the sealed segments that another process has
   * deleted (consumed), so their bytes no longer count against maxBytes.
   * Returns how many were forgotten.
   */
  forgetConsumed(): number {
    let forgotten = 0;
    for (let i = this.sealed.length - 1; i >= 0; i--) {
      const seg = this.sealed[i]!;
      if (existsSync(seg.path)) continue;
      this.sealed.splice(i, 1);
      this.totalBytes -= seg.bytes;
      this.totalLines -= seg.lines;
      forgotten++;
    }
    return forgotten;
  }

  private wouldOverflow(bytes: number): boolean {
    return this.totalBytes + this.pendingBytes + bytes > this.opts.maxBytes;
  }

  /** Sealed segments, oldest first (a snapshot; the open one is not included). */
  sealedSegments(): Segment[] {
    return [...this.sealed];
  }

  /** Seals the open segment (after pending appends land) so it can be read. */
  async seal(): Promise<void> {
    if (this.writing) await this.writing;
    await this.sealActive();
  }

  /** Seals the open segment when it is older than the segment age limit. */
  async sealIfOld(): Promise<void> {
    if (this.active && this.opts.now() - this.active.openedAt >= this.opts.segmentMaxAgeMs) await this.seal();
  }

  /** Deletes a sealed segment (its contents were forwarded). */
  async remove(segment: Segment): Promise<void> {
    const i = this.sealed.findIndex((s) => s.path === segment.path);
    if (i === -1) return;
    this.sealed.splice(i, 1);
    // The file goes before the totals do, so that "empty" never holds while a drained segment is still on disk.
    await unlink(segment.path).catch(() => undefined);
    this.totalBytes -= segment.bytes;
    this.totalLines -= segment.lines;
  }

  /** Waits for pending appends, seals the open segment and refuses further appends. */
  async close(): Promise<void> {
    if (this.writing) await this.writing;
    this.closed = true;
    await this.sealActive();
  }

  private async writeLoop(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      this.pendingBytes = 0;
      const data = batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((p) => p.data));
      const lines = batch.reduce((n, p) => n + p.lines, 0);
      let seg: AppendLog['active'] = null;
      try {
        seg = await this.segmentFor(data.length);
        await writeAll(seg.handle, data);
        await seg.handle.datasync();
        seg.bytes += data.length;
        seg.lines += lines;
        this.totalBytes += data.length;
        this.totalLines += lines;
        for (const p of batch) p.resolve();
        if (seg.bytes >= this.opts.segmentMaxBytes) await this.sealActive();
      } catch (err) {
        if (seg) await this.cutTornTail(seg);
        for (const p of batch) p.reject(err as Error);
      }
    }
    this.writing = null;
  }

  /**
   * After a failed write (a full disk: ENOSPC), cuts the segment back to its
   * last synced byte, so no torn line is left for later lines to be glued to.
   * When even that fails, the segment is sealed as it is: its torn tail is
   * then its last line, which readers drop (it was never acknowledged).
   */
  private async cutTornTail(seg: NonNullable<AppendLog['active']>): Promise<void> {
    try {
      await seg.handle.truncate(seg.bytes);
      await seg.handle.datasync();
    } catch {
      await this.sealActive().catch(() => undefined);
    }
  }

  private async segmentFor(size: number): Promise<NonNullable<AppendLog['active']>> {
    const a = this.active;
    if (a && (a.bytes + size <= this.opts.segmentMaxBytes || a.bytes === 0) && this.opts.now() - a.openedAt < this.opts.segmentMaxAgeMs) return a;
    await this.sealActive();
    const openedAt = this.opts.now();
    const path = join(this.opts.dir, `${String(openedAt).padStart(14, '0')}-${String(this.seq++).padStart(6, '0')}${OPEN_SEGMENT_SUFFIX}`);
    const handle = await this.opts.openFile(path);
    this.active = { path, bytes: 0, lines: 0, handle, openedAt };
    return this.active;
  }

  private async sealActive(): Promise<void> {
    const a = this.active;
    if (!a) return;
    this.active = null;
    await a.handle.close();
    if (a.bytes === 0) {
      await unlink(a.path).catch(() => undefined);
      return;
    }
    const sealedPath = a.path.slice(0, -'.open'.length);
    await rename(a.path, sealedPath);
    this.sealed.push({ path: sealedPath, bytes: a.bytes, lines: a.lines });
  }
}
