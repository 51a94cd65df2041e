/**
 * An MPEG-TS file holding only a timed-metadata track: one ID3v2.4 tag per
 * cue, each with a TXXX frame whose value is the cue's text, in a PES of
 * stream type 0x15 (metadata) tagged 'ID3 ' (the layout HLS timed metadata
 * uses). ffmpeg reads it as a `timed_id3` stream and copies it into the HLS
 * segments beside the video (hls-stream.ts), where amazon-ivs-player emits
 * TEXT_METADATA_CUE with the TXXX value as `text` when the playhead passes
 * the cue, as it does for IVS's own timed metadata.
 *
 * ffmpeg's MPEG-TS demuxer (5.x) strips a 5-byte metadata access-unit cell
 * header (ISO/IEC 13818-1 2.12.4) from each such PES, so every tag is
 * preceded by one; its muxer then writes the bare tag, which players expect.
 * An ffmpeg that keeps the header instead is caught by cellHeaderKept on
 * its first segment, and the track is written again without (viewer/mount.ts).
 *
 * @example
 * writeFileSync('cues.ts', timedId3Track([{ atS: 0, text: '{"type":"product",...}' }], 60));
 */

/** MPEG-TS packet size (bytes). */
export const TS_PACKET_BYTES = 188;
/** PID of the program map table and of the metadata stream. */
export const PMT_PID = 0x1000;
export const ID3_PID = 0x0102;
/** MPEG-TS clock (ticks per second). */
const PTS_HZ = 90_000;
/** Cue times start here (s), so that no timestamp is 0 (some demuxers treat 0 as unset). */
export const ID3_TRACK_START_S = 1;
/** Longest cue text (bytes of UTF-8): one PES of at most 65,535 bytes. */
export const MAX_CUE_TEXT_BYTES = 60_000;

/** One cue: its time from the start of the track (s) and its text (the TXXX value). */
export interface TimedCue {
  atS: number;
  text: string;
}

const CRC_TABLE = new Uint32Array(256).map((_, i) => {
  let c = i << 24;
  for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
  return c >>> 0;
});

/** CRC-32/MPEG-2 of a PSI section. */
export function crc32Mpeg(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = ((c << 8) ^ CRC_TABLE[((c >>> 24) ^ b) & 0xff]!) >>> 0;
  return c >>> 0;
}

/** An ID3 syncsafe integer (7 bits per byte). */
function syncsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}

/** An ID3v2.4 tag with one TXXX frame (UTF-8, empty description) holding `text`. */
export function id3TxxxTag(text: string): Buffer {
  const value = Buffer.from(text, 'utf8');
  if (value.length > MAX_CUE_TEXT_BYTES) throw new Error(`cue text is ${value.length} bytes: at most ${MAX_CUE_TEXT_BYTES}`);
  const body = Buffer.concat([Buffer.from([0x03, 0x00]), value]);
  const frame = Buffer.concat([Buffer.from('TXXX'), syncsafe(body.length), Buffer.from([0, 0]), body]);
  return Buffer.concat([Buffer.from('ID3'), Buffer.from([4, 0, 0]), syncsafe(frame.length), frame]);
}

/** A PSI section (table id, extension, body) with its pointer field and CRC. */
function psiSection(tableId: number, extension: number, body: Buffer): Buffer {
  const length = 5 + body.length + 4;
  const head = Buffer.from([tableId, 0xb0 | (length >> 8), length & 0xff, extension >> 8, extension & 0xff, 0xc1, 0, 0]);
  const section = Buffer.concat([head, body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32Mpeg(section));
  return Buffer.concat([Buffer.from([0]), section, crc]);
}

/** The 5-byte PTS field (PTS only). */
function ptsField(ticks: number): Buffer {
  const hi = Math.floor(ticks / 2 ** 30) & 0x07;
  const lo = ticks % 2 ** 30;
  return Buffer.from([0x21 | (hi << 1), (lo >> 22) & 0xff, ((lo >> 14) & 0xfe) | 1, (lo >> 7) & 0xff, ((lo << 1) & 0xfe) | 1]);
}

/** Splits a payload into TS packets of `pid` (stuffing the last through its adaptation field). */
function packetize(pid: number, payload: Buffer, counters: Map<number, number>): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  do {
    const p = Buffer.alloc(TS_PACKET_BYTES, 0xff);
    const cc = counters.get(pid) ?? 0;
    counters.set(pid, (cc + 1) & 0x0f);
    p[0] = 0x47;
    p[1] = (offset === 0 ? 0x40 : 0) | (pid >> 8);
    p[2] = pid & 0xff;
    const left = payload.length - offset;
    let head = 4;
    if (left < TS_PACKET_BYTES - 4) {
      const stuffing = TS_PACKET_BYTES - 4 - left; // adaptation field length byte + flags + 0xff stuffing
      p[3] = 0x30 | cc;
      p[4] = stuffing - 1;
      if (stuffing > 1) p[5] = 0x00;
      head += stuffing;
    } else {
      p[3] = 0x10 | cc;
    }
    const n = Math.min(TS_PACKET_BYTES - head, left);
    payload.copy(p, head, offset, offset + n);
    offset += n;
    out.push(p);
  } while (offset < payload.length);
  return out;
}

const ID3_FORMAT = Buffer.from('ID3 ');
/** metadata_pointer_descriptor (program level) and metadata_descriptor (stream level) for ID3. */
const PROGRAM_DESCRIPTOR = Buffer.concat([Buffer.from([0x25, 0x0f, 0xff, 0xff]), ID3_FORMAT, Buffer.from([0xff]), ID3_FORMAT, Buffer.from([0x00, 0x1f, 0x00, 0x01])]);
const STREAM_DESCRIPTOR = Buffer.concat([Buffer.from([0x26, 0x0d, 0xff, 0xff]), ID3_FORMAT, Buffer.from([0xff]), ID3_FORMAT, Buffer.from([0x00, 0x0f])]);

/**
 * The MPEG-TS bytes of a timed-metadata track with `cues` (sorted by time),
 * `durationS` long, the tables repeated before every cue. ffmpeg's
 * `-stream_loop` repeats a track every (last − first timestamp), so the
 * first cue is written once more at `durationS`: looped, the track keeps
 * its period exactly (that copy and the next loop's first cue coincide;
 * the IVS binding counts a repeat of the card on screen once).
 */
export function timedId3Track(cues: readonly TimedCue[], durationS: number, o: { cellHeader?: boolean } = {}): Buffer {
  const withCell = o.cellHeader ?? true;
  if (!(durationS > 0)) throw new Error(`durationS is ${durationS}: expected a number above 0`);
  const counters = new Map<number, number>();
  const pat = psiSection(0x00, 1, Buffer.from([0, 1, 0xe0 | (PMT_PID >> 8), PMT_PID & 0xff]));
  const es = Buffer.concat([Buffer.from([0x15, 0xe0 | (ID3_PID >> 8), ID3_PID & 0xff, 0xf0, STREAM_DESCRIPTOR.length]), STREAM_DESCRIPTOR]);
  // No PCR PID (0x1fff): the track has no clock of its own; ffmpeg times it by the PTS.
  const pmt = psiSection(0x02, 1, Buffer.concat([Buffer.from([0xff, 0xff, 0xf0, PROGRAM_DESCRIPTOR.length]), PROGRAM_DESCRIPTOR, es]));
  const out: Buffer[] = [];
  let sequence = 0;
  if (cues.length === 0) throw new Error('a timed-metadata track needs at least one cue');
  for (const cue of cues) {
    if (!(cue.atS >= 0 && cue.atS < durationS)) throw new Error(`cue at ${cue.atS} s: expected 0 ≤ atS < durationS (${durationS})`);
  }
  for (const cue of [...cues, { atS: durationS, text: cues[0]!.text }]) {
    const tag = id3TxxxTag(cue.text);
    const cell = Buffer.from([0x00, sequence++ & 0xff, 0xdf, tag.length >> 8, tag.length & 0xff]);
    const data = withCell ? Buffer.concat([cell, tag]) : tag;
    const header = Buffer.concat([Buffer.from([0x84, 0x80, 5]), ptsField(Math.round((cue.atS + ID3_TRACK_START_S) * PTS_HZ))]);
    const pesLength = header.length + data.length;
    const pes = Buffer.concat([Buffer.from([0, 0, 1, 0xbd, pesLength >> 8, pesLength & 0xff]), header, data]);
    out.push(...packetize(0, pat, counters), ...packetize(PMT_PID, pmt, counters), ...packetize(ID3_PID, pes, counters));
  }
  return Buffer.concat(out);
}

/** The cell header's flags byte as timedId3Track writes it (cell_fragment_indication 11, random access, reserved bits). */
const CELL_FLAGS = 0xdf;

/**
 * Whether an HLS segment's first ID3 tag still carries timedId3Track's cell
 * header (ffmpeg passed it through: the player would not find the tag), or
 * undefined when the segment holds no tag.
 */
export function cellHeaderKept(segment: Buffer): boolean | undefined {
  const at = segment.indexOf(Buffer.from([0x49, 0x44, 0x33, 0x04]));
  if (at < 0) return undefined;
  return at >= 3 && segment[at - 3] === CELL_FLAGS;
}
