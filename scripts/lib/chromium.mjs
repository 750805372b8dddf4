// Starts headless Chromium through playwright-core for the documented image scripts (npm run icon,
// npm run screenshot). playwright-core never downloads a browser: it drives the Chromium installed on the
// machine, found at the environment variable CHROMIUM_PATH, else /usr/bin/chromium (Debian's package).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

const DEFAULT_PATH = '/usr/bin/chromium';

/** The Chromium executable to use; exits with the fix when there is none. */
export function chromiumPath(script) {
  const configured = process.env.CHROMIUM_PATH;
  const executable = configured || DEFAULT_PATH;
  if (existsSync(executable)) return executable;
  console.error(
    [
      `${script}: Chromium not found at ${executable}${configured ? ' (from CHROMIUM_PATH)' : ''}.`,
      'Install it, or point CHROMIUM_PATH at a Chromium or Chrome executable:',
      '  Debian/Ubuntu: apt-get install chromium   (as root; gives /usr/bin/chromium)',
      '  Windows:       $env:CHROMIUM_PATH = "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe"',
      '  macOS:         export CHROMIUM_PATH="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"',
    ].join('\n'),
  );
  process.exit(1);
}

/**
 * Launches headless Chromium with a fresh profile and without its background network traffic (updates,
 * sync, QUIC), which a closed network refuses and which a picture does not need.
 */
export function launchChromium(script) {
  return chromium.launch({
    executablePath: chromiumPath(script),
    headless: true,
    // Chromium's sandbox cannot start as root (containers, CI); elsewhere it stays on.
    chromiumSandbox: process.getuid?.() !== 0,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
