// Trunk post-build hook: moves Trunk's inline start-up <script> into a file
// of its own, so the page runs under a Content-Security-Policy that allows
// no inline script (script-src 'self'). The file is named by a hash of its
// contents, like Trunk's other assets, so caches never serve a stale one.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stagingDir } from './trunk-hook.mjs';

const dir = stagingDir('externalize-start-script');
const page = join(dir, 'index.html');
const html = readFileSync(page, 'utf8');
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const found = html.match(inline);
if (!found) {
  console.error('externalize-start-script: no inline module script in index.html; has Trunk changed?');
  process.exit(1);
}
const name = `start-${createHash('sha256').update(found[1]).digest('hex').slice(0, 16)}.js`;
writeFileSync(join(dir, name), found[1].trim() + '\n');
// The wasm's preload (`as="fetch"`) drops its integrity attribute:
// Chromium ignores it there and says so in the console on every load, an
// embedding host's console included; the start script's fetch of the
// wasm never carried one.
const withoutIntegrity = (tag) => (/ as="fetch"/.test(tag) ? tag.replace(/ integrity="[^"]*"/, '') : tag);
writeFileSync(page, html.replace(inline, `<script type="module" src="./${name}"></script>`)
  .replace(/<link rel="preload"[^>]*>/g, withoutIntegrity));
console.log(`externalize-start-script: index.html now loads ./${name}`);
