// Trunk post-build hook, release builds only: refuses a page wasm that
// links code the page is known to do without, each of which once slipped
// in through one innocent-looking line. Rust keeps the source paths of
// panic locations in the release wasm (no names are kept), so a module of
// the standard library shows up as its path.
//   - core's float parser (dec2flt): one `str::parse::<f64>` linked it and
//     its tables, +14 KB of gzip (README, "Bundle"); the page reads numbers
//     with the browser's parser (js_sys::Number::parse_float).
//   - core's float formatting (flt2dec: Grisu, Dragon and their tables):
//     any `{}` or `{:.N}` of an f64 linked it, 13 KB of wasm, 7.2 KB of
//     gzip with the standard sorts below (README, "Bundle"); the page
//     writes numbers with sim::decimal::{fixed, plain, seconds}.
//   - the standard slice sorts (sort, sort_unstable and their _by forms):
//     each element type links its own copy, about 3 KB of wasm for the
//     stable one and 8 KB for the unstable; the page sorts its short lists
//     with raft::vec_map::sort_by_key.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stagingDir } from './trunk-hook.mjs';

const dir = stagingDir('check-page-wasm', { releaseOnly: true });

const FORBIDDEN = [
  ['core/src/num/dec2flt', "Rust's float parser (str::parse::<f64>, f64::from_str): read numbers with js_sys::Number::parse_float in the page"],
  ['core/src/num/flt2dec', "Rust's float formatting (a {} or {:.N} of an f64): write numbers with sim::decimal::{fixed, plain, seconds}"],
  ['core/src/slice/sort', "a standard slice sort (sort, sort_unstable, sort_by_key...): sort with raft::vec_map::sort_by_key"],
];
const wasm = readdirSync(dir).filter((f) => /^playground-[0-9a-f]+_bg\.wasm$/.test(f));
if (wasm.length !== 1) {
  console.error(`check-page-wasm: expected one playground-*_bg.wasm in ${dir}, found ${wasm.length}`);
  process.exit(1);
}
const bytes = readFileSync(join(dir, wasm[0])).toString('latin1');
const found = FORBIDDEN.filter(([path]) => bytes.includes(path));
for (const [path, why] of found) {
  console.error(`check-page-wasm: ${wasm[0]} links ${path}: ${why}`);
}
if (found.length > 0) process.exit(1);
console.log(`check-page-wasm: ${wasm[0]} links none of ${FORBIDDEN.map(([p]) => p).join(', ')}`);
