// Shared by the end-to-end test and the measurement script: serve dist/ on
// 127.0.0.1 with Python's http.server and launch Debian's Chromium headless
// through playwright-core (no browser download).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

/** The release build a script was given (its first argument, else
 *  `dist`), or exit 2 with `usage` or with what is missing. */
export function distArgument(usage) {
  const dist = process.argv[2] || 'dist';
  if (dist.startsWith('-') || !existsSync(dist)) {
    console.error(dist.startsWith('-')
      ? `usage: ${usage}`
      : `no build at ${dist}: run scripts/build-web.sh first, or name the folder it built`);
    process.exit(2);
  }
  return dist;
}

export async function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a static server over `dir`; resolves once it answers. */
export async function serve(dir) {
  const port = await freePort();
  const child = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir], {
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const response = await fetch(url);
      if (response.ok) return { url, stop: () => child.kill() };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`static server on ${url} did not start`);
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
}

/** Serves `dir`, launches Chromium, runs `body({ url, browser })`, and
 *  always closes both. */
export async function withBrowser(dir, body) {
  const server = await serve(dir);
  const browser = await launch();
  try {
    return await body({ url: server.url, browser });
  } finally {
    await browser.close();
    server.stop();
  }
}
