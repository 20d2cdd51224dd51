// Trunk post-build hook: Trunk writes the Web Worker's loader
// (worker_loader.js, for index.html's data-type="worker") as
//   importScripts("./worker.js");wasm_bindgen("./worker_bg.wasm");
// and wasm-bindgen 0.2.130's glue warns in the console on every job
// ("using deprecated parameters for the initialization function; pass a
// single object instead"). This passes the object it asks for.
//
// And a wasm that fails to load (a dropped connection) only rejected the
// init's promise, which nobody heard: the page waited on "starting the
// worker" for ever. The rejection is now thrown from a task of its own,
// an uncaught error the page hears as the Worker's `error` event
// (src/ui/worker.rs tells it as "the worker failed: ...").
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stagingDir } from './trunk-hook.mjs';

const dir = stagingDir('worker-loader');
const file = join(dir, 'worker_loader.js');
const loader = readFileSync(file, 'utf8');
const call = /wasm_bindgen\(("\.\/worker_bg\.wasm")\)/;
if (!call.test(loader)) {
  console.error(`worker-loader: no wasm_bindgen("./worker_bg.wasm") call in ${file}; has Trunk changed?`);
  process.exit(1);
}
const thrown = '.catch((e) => setTimeout(() => { throw new Error(`its wasm did not load: ${e && e.message || e}`); }))';
writeFileSync(file, loader.replace(call, `wasm_bindgen({ module_or_path: $1 })${thrown}`));
console.log('worker-loader: worker_loader.js passes wasm-bindgen an object, and throws what stops it loading');
