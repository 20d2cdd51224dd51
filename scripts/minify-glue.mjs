// Trunk post-build hook, release builds only: minifies wasm-bindgen's JS
// glue (playground-*.js; and the worker's worker.js, below) with terser.
// Trunk's own minifier gives up on it ("Failed to minify JS"), and the
// glue is 50 KB as written: 8.9 KB of gzip, 6.5 KB minified (README,
// "Bundle"). Trunk has already written the glue's Subresource Integrity
// hash into index.html, so the hash is written again for the minified
// file.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';
import { stagingDir } from './trunk-hook.mjs';

const dir = stagingDir('minify-glue', { releaseOnly: true });

const glue = readdirSync(dir).filter((f) => /^playground-[0-9a-f]+\.js$/.test(f));
if (glue.length !== 1) {
  console.error(`minify-glue: expected one playground-*.js in ${dir}, found ${glue.length}`);
  process.exit(1);
}
const file = join(dir, glue[0]);
const before = readFileSync(file, 'utf8');
const { code } = await minify(before, { module: true, compress: true, mangle: true });
writeFileSync(file, code);

const sri = (text) => `sha384-${createHash('sha384').update(text).digest('base64')}`;
const page = join(dir, 'index.html');
const html = readFileSync(page, 'utf8');
if (!html.includes(sri(before))) {
  console.error(`minify-glue: index.html has no integrity hash for ${glue[0]}; has Trunk changed?`);
  process.exit(1);
}
writeFileSync(page, html.replaceAll(sri(before), sri(code)));
console.log(`minify-glue: ${glue[0]} ${before.length} -> ${code.length} bytes`);

// The Web Worker's glue and the studio's (index.html, data-type="worker"):
// classic scripts (wasm-bindgen's no-modules target) whose global
// `wasm_bindgen` a loader calls (the worker's shim with importScripts,
// www/studio-start.js for the studio), so their top level keeps its names.
// Trunk writes no integrity hash for them.
for (const name of ['worker.js', 'studio.js']) {
  const file = join(dir, name);
  if (!existsSync(file)) continue;
  const text = readFileSync(file, 'utf8');
  const small = (await minify(text, { module: false, toplevel: false, compress: true, mangle: true })).code;
  writeFileSync(file, small);
  console.log(`minify-glue: ${name} ${text.length} -> ${small.length} bytes`);
}
