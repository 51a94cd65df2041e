#!/usr/bin/env node
// Entry point of the `livelens` command: the build in cli/dist while it is fresh (cli/build.ts,
// made at install), else the TypeScript CLI through tsx (a source edited since the build).
import { pathToFileURL } from 'node:url';
import { freshCliBundle } from './cli-bundle.js';

// The AWS SDK warns on every start that releases after January 2027 need Node 22;
// livelens pins SDK versions that support Node 20 (see README), so the notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const built = freshCliBundle();
if (built) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/livelens.ts');
}
