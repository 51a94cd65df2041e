// Whether cli/dist holds a build of the current sources (cli/build.ts): its manifest lists every
// repository file in the build, and none may be newer than the build's start. Plain JavaScript:
// it runs before tsx is loaded.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The built entry's path when the build in `distDir` is fresh, else undefined (missing, partial or stale). */
export function freshCliBundle(distDir = join(ROOT, 'cli', 'dist'), root = ROOT) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(distDir, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof manifest.startedAtMs !== 'number' || !Array.isArray(manifest.inputs) || manifest.inputs.length === 0) return undefined;
  for (const input of manifest.inputs) {
    try {
      if (statSync(join(root, input)).mtimeMs > manifest.startedAtMs) return undefined;
    } catch {
      return undefined; // a source was removed or renamed since the build
    }
  }
  return join(distDir, 'livelens.mjs');
}
