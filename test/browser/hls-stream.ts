/**
 * A live HLS stream made locally by ffmpeg for the browser tests: lavfi
 * testsrc + sine, H.264/AAC, 2 s segments, a master playlist with two
 * renditions of different bitrates (so QUALITY_CHANGED carries a bitrate).
 * Sizes and frame rate are tiny because CI machines are shared.
 *
 * @example
 * const hls = await startHlsStream('/tmp/hls');
 * // serve hls.dir; play `${base}/master.m3u8`
 * await hls.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Length of one HLS segment (seconds). */
export const HLS_SEGMENT_SECONDS = 2;
/** Segments kept in each media playlist (a live sliding window). */
export const HLS_WINDOW_SEGMENTS = 6;
/** How long to wait for the first segments of both renditions (ms). */
export const HLS_READY_TIMEOUT_MS = 20_000;

/** The two renditions: name, size, video bitrate. */
export const HLS_RENDITIONS = [
  { name: 'high', width: 320, height: 180, videoKbps: 600 },
  { name: 'low', width: 160, height: 90, videoKbps: 150 },
] as const;

export interface HlsStream {
  /** Folder holding `master.m3u8` and `v0/`, `v1/`. */
  dir: string;
  /** Path of the master playlist relative to `dir`. */
  master: 'master.m3u8';
  /** Stops ffmpeg (the playlists stay, so players starve and rebuffer). */
  stop(): Promise<void>;
}

/** Starts ffmpeg writing a live HLS stream into `dir`; resolves once both renditions have two segments. */
export async function startHlsStream(dir: string): Promise<HlsStream> {
  mkdirSync(dir, { recursive: true });
  const [high, low] = HLS_RENDITIONS;
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-re', '-f', 'lavfi', '-i', `testsrc=size=${high.width}x${high.height}:rate=15`,
    '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-filter_complex', `[0:v]split=2[a][b];[b]scale=${low.width}:${low.height}[bs]`,
    '-map', '[a]', '-map', '1:a', '-map', '[bs]', '-map', '1:a',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
    // A keyframe at every segment boundary (15 fps × 2 s), so every segment starts playable.
    '-g', String(15 * HLS_SEGMENT_SECONDS), '-keyint_min', String(15 * HLS_SEGMENT_SECONDS), '-sc_threshold', '0',
    '-b:v:0', `${high.videoKbps}k`, '-maxrate:v:0', `${high.videoKbps}k`, '-bufsize:v:0', `${high.videoKbps * 2}k`,
    '-b:v:1', `${low.videoKbps}k`, '-maxrate:v:1', `${low.videoKbps}k`, '-bufsize:v:1', `${low.videoKbps * 2}k`,
    '-c:a', 'aac', '-b:a', '64k', '-ac', '2',
    '-f', 'hls', '-hls_time', String(HLS_SEGMENT_SECONDS), '-hls_list_size', String(HLS_WINDOW_SEGMENTS),
    '-hls_flags', 'delete_segments+independent_segments',
    '-master_pl_name', 'master.m3u8',
    '-var_stream_map', `v:0,a:0,name:${high.name} v:1,a:1,name:${low.name}`,
    '-hls_segment_filename', join(dir, 'v%v', 'seg%d.ts'),
    join(dir, 'v%v', 'index.m3u8'),
  ];
  const child: ChildProcess = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + HLS_READY_TIMEOUT_MS;
  const ready = () =>
    existsSync(join(dir, 'master.m3u8')) &&
    HLS_RENDITIONS.every((r) => {
      const p = join(dir, `v${r.name}`, 'index.m3u8');
      return existsSync(p) && (readFileSync(p, 'utf8').match(/#EXTINF/g) ?? []).length >= 2;
    });
  while (!ready()) {
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
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
