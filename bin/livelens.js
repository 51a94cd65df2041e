#!/usr/bin/env node
// Entry point of the `livelens` command: loads the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start that releases after January 2027 need Node 22;
// livelens pins SDK versions that support Node 20 (see README), so the notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../cli/livelens.ts');
