/**
 * How the browser tests and benches start Chromium: Debian's build and
 * exactly the flags of issue 3 (headless, no sandbox or GPU in containers,
 * nothing fetched from the network, autoplay allowed).
 */
export const CHROMIUM_PATH = '/usr/lib/chromium/chromium';
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];
