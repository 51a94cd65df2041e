/**
 * A live HLS stream made locally by ffmpeg: lavfi test pattern + sine,
 * H.264/AAC, 2 s segments, a sliding live playlist (no ENDLIST while ffmpeg
 * runs) and a master playlist. With several renditions (the SDK browser
 * test: two of different bitrates, so QUALITY_CHANGED carries a bitrate)
 * each has its own media playlist; with one (the demo's viewer page) it may
 * carry a timed-metadata track (id3-track.ts), looped, so that the player
 * raises TEXT_METADATA_CUE. Sizes and frame rate are small because the
 * machines running it are shared.
 *
 * @example
 * const hls = await startHlsStream('/tmp/hls');
 * // serve hls.dir; play `${base}/master.m3u8`
 * await hls.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Length of one HLS segment (seconds). */
export const HLS_SEGMENT_SECONDS = 2;
/** Segments kept in each media playlist (a live sliding window). */
export const HLS_WINDOW_SEGMENTS = 6;
/** How long to wait for the first segments of every rendition (ms). */
export const HLS_READY_TIMEOUT_MS = 20_000;
/** Frames per second of the test pattern. */
export const HLS_FRAME_RATE = 15;

export interface HlsRendition {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
}

/** The SDK browser test's two renditions: name, size, video bitrate. */
export const HLS_RENDITIONS = [
  { name: 'high', width: 320, height: 180, videoKbps: 600 },
  { name: 'low', width: 160, height: 90, videoKbps: 150 },
] as const satisfies readonly HlsRendition[];

export interface HlsStreamOptions {
  /** Default HLS_RENDITIONS. */
  renditions?: readonly HlsRendition[];
  /** lavfi video source (default `testsrc`); `testsrc2` is the livelier pattern. */
  pattern?: 'testsrc' | 'testsrc2';
  /** An MPEG-TS file with a timed-metadata track (id3-track.ts), looped into the segments; one rendition only. */
  timedMetadata?: string;
}

export interface HlsStream {
  /** Folder holding `master.m3u8` and one `v<name>/` per rendition. */
  dir: string;
  /** Path of the master playlist relative to `dir`. */
  master: 'master.m3u8';
  /** Stops ffmpeg (the playlists stay, so players starve and rebuffer). */
  stop(): Promise<void>;
}

/** True when an `ffmpeg` binary answers on the PATH. */
export function ffmpegAvailable(): boolean {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-version'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

/** The ffmpeg arguments for `renditions` written into `dir`. */
export function hlsArgs(dir: string, renditions: readonly HlsRendition[], options: HlsStreamOptions = {}): string[] {
  const [first] = renditions;
  if (!first) throw new Error('an HLS stream needs at least one rendition');
  if (options.timedMetadata !== undefined && renditions.length !== 1) throw new Error('timed metadata needs exactly one rendition');
  const gop = String(HLS_FRAME_RATE * HLS_SEGMENT_SECONDS); // a keyframe at every segment boundary, so every segment starts playable
  const inputs = [
    '-re', '-f', 'lavfi', '-i', `${options.pattern ?? 'testsrc'}=size=${first.width}x${first.height}:rate=${HLS_FRAME_RATE}`,
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    ...(options.timedMetadata === undefined ? [] : ['-re', '-stream_loop', '-1', '-i', options.timedMetadata]),
  ];
  const split = renditions.map((_, i) => `[v${i}]`).join('');
  const scaled = renditions.map((r, i) => (i === 0 ? '' : `;[v${i}]scale=${r.width}:${r.height}[s${i}]`)).join('');
  const maps = renditions.flatMap((_, i) => ['-map', i === 0 ? '[v0]' : `[s${i}]`, '-map', '1:a']);
  const rates = renditions.flatMap((r, i) => [
    `-b:v:${i}`, `${r.videoKbps}k`, `-maxrate:v:${i}`, `${r.videoKbps}k`, `-bufsize:v:${i}`, `${r.videoKbps * 2}k`,
  ]);
  const single = renditions.length === 1;
  const outDir = single ? join(dir, `v${first.name}`) : join(dir, 'v%v');
  if (single) mkdirSync(outDir, { recursive: true });
  return [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    ...inputs,
    '-filter_complex', `[0:v]split=${renditions.length}${split}${scaled}`,
    ...maps,
    ...(options.timedMetadata === undefined ? [] : ['-map', '2:d', '-c:d', 'copy']),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
    '-g', gop, '-keyint_min', gop, '-sc_threshold', '0',
    ...rates,
    '-c:a', 'aac', '-b:a', '64k', '-ac', '2',
    '-f', 'hls', '-hls_time', String(HLS_SEGMENT_SECONDS), '-hls_list_size', String(HLS_WINDOW_SEGMENTS),
    '-hls_flags', 'delete_segments+independent_segments',
    // With one rendition ffmpeg writes no usable master playlist: startHlsStream writes it (singleMaster).
    ...(single ? [] : ['-master_pl_name', 'master.m3u8', '-var_stream_map', renditions.map((r, i) => `v:${i},a:${i},name:${r.name}`).join(' ')]),
    '-hls_segment_filename', join(outDir, 'seg%d.ts'),
    join(outDir, 'index.m3u8'),
  ];
}

/** The master playlist of a single rendition (H.264 constrained baseline, AAC-LC, as hlsArgs encodes). */
export function singleMaster(r: HlsRendition): string {
  const bandwidth = (r.videoKbps + 64) * 1000;
  return [
    '#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth},RESOLUTION=${r.width}x${r.height},CODECS="avc1.42c01e,mp4a.40.2"`,
    `v${r.name}/index.m3u8`, '',
  ].join('\n');
}

/** Starts ffmpeg writing a live HLS stream into `dir`; resolves once every rendition has two segments. */
export async function startHlsStream(dir: string, options: HlsStreamOptions = {}): Promise<HlsStream> {
  mkdirSync(dir, { recursive: true });
  const renditions = options.renditions ?? HLS_RENDITIONS;
  if (renditions.length === 1) writeFileSync(join(dir, 'master.m3u8'), singleMaster(renditions[0]!));
  const child: ChildProcess = spawn('ffmpeg', hlsArgs(dir, renditions, options), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2_000)));
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const deadline = Date.now() + HLS_READY_TIMEOUT_MS;
  const ready = () =>
    existsSync(join(dir, 'master.m3u8')) &&
    renditions.every((r) => {
      const p = join(dir, `v${r.name}`, 'index.m3u8');
      return existsSync(p) && (readFileSync(p, 'utf8').match(/#EXTINF/g) ?? []).length >= 2;
    });
  while (!ready()) {
    if (spawnError) throw new Error(`ffmpeg could not start: ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`ffmpeg exited with ${child.exitCode}: ${stderr.slice(-500)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`ffmpeg wrote no playable HLS within ${HLS_READY_TIMEOUT_MS} ms: ${stderr.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    dir,
    master: 'master.m3u8',
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
