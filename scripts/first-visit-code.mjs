// How small could the page's first download be if it held only the code a
// first visit runs? Lazy loading (binaryen's wasm-split, or a second module
// such as the studio) can defer what a visit does not call, never what it
// does. wasm-split keeps the one data section in the first module, so this
// is its floor; a module built apart takes its own data, so the data
// section's size is printed too (docs/measurements.md weighs it).
//
//   node scripts/first-visit-code.mjs [dist]
//
// 1. Copies the release build to a temporary folder and rewrites its page
//    wasm so that every function, on its first call, reports its index
//    (binaryen's JS API: a global flag and an imported function,
//    `cov.mark`).
// 2. Opens it in headless Chromium for two visits: the page left to run
//    for 20 s; and the page scrolled to its end, a client request sent, 10
//    s more.
// 3. For each visit, empties the body of every function the visit never
//    called (an `unreachable`) in the original wasm and prints its size and
//    gzip beside the whole wasm's: a split's primary module could be no
//    smaller (it also needs placeholders and exports for the rest).
// Figures only, no assertions (docs/measurements.md, 2026-12-06).
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import binaryen from 'binaryen';
import { distArgument, withBrowser } from '../tests/e2e/serve.mjs';

const dist = distArgument('node scripts/first-visit-code.mjs [dist]');
const wasmName = readdirSync(dist).find((f) => /^playground-.*_bg\.wasm$/.test(f));
if (!wasmName) {
  console.error(`no playground-*_bg.wasm in ${dist}: is it a release build of this page?`);
  process.exit(2);
}
const glueBytes = readdirSync(dist)
  .filter((f) => /^(playground|start)-.*\.js$/.test(f))
  .reduce((sum, f) => sum + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length, 0);

// The features the release build uses (its target_features section is
// stripped, and binaryen's `All` would write imports in a compact encoding
// no browser reads yet).
const F = binaryen.Features;
const FEATURES = F.MutableGlobals | F.NontrappingFPToInt | F.BulkMemory | F.BulkMemoryOpt
  | F.SignExt | F.ReferenceTypes | F.Multivalue | F.CallIndirectOverlong;

function readModule(bytes) {
  const module = binaryen.readBinary(bytes);
  module.setFeatures(FEATURES);
  return module;
}

/** The module's defined functions (not imports), in module order: the
 *  index a report names. */
function definedFunctions(module) {
  const functions = [];
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const f = module.getFunctionByIndex(i);
    if (!binaryen.getFunctionInfo(f).module) functions.push(f);
  }
  return functions;
}

/** `if (!seen_k) { seen_k = 1; cov.mark(k) }` at the start of function k. */
function instrument(bytes) {
  const module = readModule(bytes);
  const functions = definedFunctions(module);
  module.addFunctionImport('__first_call', 'cov', 'mark', binaryen.i32, binaryen.none);
  functions.forEach((f, k) => {
    const info = binaryen.getFunctionInfo(f);
    const seen = `__seen_${k}`;
    module.addGlobal(seen, binaryen.i32, true, module.i32.const(0));
    const mark = module.if(module.i32.eqz(module.global.get(seen, binaryen.i32)), module.block(null, [
      module.global.set(seen, module.i32.const(1)),
      module.call('__first_call', [module.i32.const(k)], binaryen.none),
    ]));
    binaryen.Function.setBody(f, module.block(null, [mark, info.body], info.results));
  });
  if (!module.validate()) throw new Error('the instrumented wasm does not validate');
  return { bytes: module.emitBinary(), count: functions.length };
}

/** The data section (id 11) of a wasm binary. */
function dataSection(bytes) {
  let at = 8;
  const leb = () => {
    let value = 0, shift = 0, byte;
    do { byte = bytes[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return value;
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const length = leb();
    if (id === 11) return bytes.subarray(at, at + length);
    at += length;
  }
  return new Uint8Array();
}

/** The wasm with every function outside `called` emptied. */
function onlyCalled(bytes, called) {
  const module = readModule(bytes);
  definedFunctions(module).forEach((f, k) => {
    if (!called.has(k)) binaryen.Function.setBody(f, module.unreachable());
  });
  return module.emitBinary();
}

const VISITS = [
  ['left to run for 20 s', async (page) => page.waitForTimeout(20_000)],
  ['scrolled to the end, a client request, 10 s', async (page) => {
    await page.waitForTimeout(5_000);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForTimeout(2_000);
    await page.keyboard.press('c');
    await page.waitForTimeout(3_000);
  }],
];

async function calledIn(browser, url, visit) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(() => {
    const called = new Set();
    window.firstCalls = called;
    const withMark = (imports = {}) => ({ ...imports, cov: { mark: (k) => called.add(k) } });
    const streaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
    const plain = WebAssembly.instantiate.bind(WebAssembly);
    WebAssembly.instantiateStreaming = (source, imports) => streaming(source, withMark(imports));
    WebAssembly.instantiate = (source, imports) => plain(source, withMark(imports));
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.frame_count() > 5);
  await visit(page);
  const called = await page.evaluate(() => [...window.firstCalls]);
  await page.close();
  if (errors.length) throw new Error(`the instrumented page failed: ${errors.join('; ')}`);
  return new Set(called);
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const original = readFileSync(join(dist, wasmName));
const copy = mkdtempSync(join(tmpdir(), 'first-visit-'));
try {
  cpSync(dist, copy, { recursive: true });
  const { bytes, count } = instrument(original);
  writeFileSync(join(copy, wasmName), bytes);
  // The rewritten wasm no longer matches the page's subresource integrity.
  const index = join(copy, 'index.html');
  writeFileSync(index, readFileSync(index, 'utf8').replace(/ integrity="[^"]*"/g, ''));
  const fmt = (b) => `${kb(b.length)}, ${kb(gzipSync(b, { level: 9 }).length)} gzip`;
  console.log(`page wasm ${wasmName}: ${count} functions, ${fmt(original)}; JS glue and start script ${kb(glueBytes)} gzip`);
  console.log(`no function body at all (data, tables, signatures): ${fmt(onlyCalled(original, new Set()))}`);
  console.log(`of which the data section: ${fmt(dataSection(original))}`);
  await withBrowser(copy, async ({ url, browser }) => {
    for (const [label, visit] of VISITS) {
      const called = await calledIn(browser, url, visit);
      const primary = onlyCalled(original, called);
      const total = gzipSync(primary, { level: 9 }).length + glueBytes;
      console.log(`${label}: ${called.size} of ${count} functions called; ` +
        `their wasm ${fmt(primary)}, with the JS ${kb(total)} gzip`);
    }
  });
} finally {
  rmSync(copy, { recursive: true, force: true });
}
