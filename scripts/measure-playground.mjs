// Measures the playground's release build in headless Chromium and prints
// figures (no assertions: machines are noisy, figures go in the README).
//   node scripts/measure-playground.mjs [dist]
//   (MEASURE_SECONDS=N: each run's length, 10 by default; MEASURE_ONLY=
//   frames,cpu: only those of bundle, size, cpu, frames, kinds, threads,
//   jumps, host)
// - bundle: wasm + JS glue, raw and gzip
// - wasm work per animation frame (simulation advance + render), p50/p95/max:
//   5 nodes at default speed (at the top of the page, and scrolled down to
//   the message diagram, which is drawn only in view); 9 nodes with a
//   client at 10 requests/simulated s;
//   8 nodes growing to 9 (a learner catching up, then promoted) with that
//   client, the frame times taken from the moment "Add server" is pressed
// - how often each part of the page was drawn in that time (only on change:
//   the messages, timers, the diagram's slide and the timeline's marks move
//   on the compositor, the clock's digit a few times a second; the page
//   sleeps in between)
// - the frames of a 5-node run grouped by the parts they drew, with the
//   median and p95 work of each kind (which kind of frame is slow)
// - frames run while paused (should be 0)
// - threads: each animation frame's wall time beside its main-thread CPU
//   time (Chrome's trace, FireAnimationFrame's duration and thread
//   duration): on 2 shared cores the renderer's main thread is often taken
//   off the CPU inside a frame, which adds to the wall time but is no work
//   of the page's (tracing itself adds about 0.1 to 0.2 ms per frame)
// - main-thread task time per wall second (Chrome's Performance metrics,
//   TaskDuration), running and paused: the page's CPU cost
// - with RAFTSCOPE_DIR=DIR (a copy of ongardie/raftscope served from DIR;
//   not in this repository): RaftScope's main-thread task time beside this
//   page's, alternated three times in the same browser, each at its own
//   default speed (RaftScope 1/100x, this page 1/30x), 5 servers each
// - host: a host page (www/host-example.html) posts 1,000 and 10,000
//   client writes at once; the time until the embed answered the last
//   command, and the frames per second drawn in the embed after it (the
//   writes' thousands of messages in flight), 1 s at a time
// - a size report of the wasm: the largest functions and the bytes per
//   crate, from twiggy 0.8.0 (`scripts/install.sh --measure` installs it) on
//   the names-kept wasm Cargo leaves in target/ before wasm-bindgen
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { distArgument, serve, withBrowser } from '../tests/e2e/serve.mjs';

const dist = distArgument('node scripts/measure-playground.mjs [dist]  (MEASURE_SECONDS=N for the length of each run; default 10)');
const SECONDS = Number(process.env.MEASURE_SECONDS || 10);
// MEASURE_ONLY=frames,cpu (any of bundle, size, cpu, frames, kinds, threads,
// jumps, host): only those parts, to measure one change quickly. Default: all.
const PARTS = ['bundle', 'size', 'cpu', 'frames', 'kinds', 'threads', 'jumps', 'host'];
const ONLY = (process.env.MEASURE_ONLY || PARTS.join(',')).split(',');
const unknown = ONLY.filter((p) => !PARTS.includes(p));
if (unknown.length) {
  console.error(`MEASURE_ONLY: unknown part ${unknown.join(', ')}; the parts are ${PARTS.join(', ')}`);
  process.exit(2);
}
const want = (part) => ONLY.includes(part);

function bundle() {
  let raw = 0, gz = 0;
  for (const f of readdirSync(dist)) {
    // The page's own code: the wasm, its JS glue and the start script (not
    // the example host pages' scripts, which only those pages load).
    if (!/^(playground|start)-.*\.(wasm|js)$/.test(f)) continue;
    const bytes = readFileSync(join(dist, f));
    raw += bytes.length;
    gz += gzipSync(bytes, { level: 9 }).length;
    console.log(`  ${f}: ${(bytes.length / 1024).toFixed(1)} KB, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KB gzip`);
  }
  console.log(`bundle (wasm + js): ${(raw / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzip`);
  // The Web Worker ("What if…", explorer, experiments) and the studio (the
  // Experiments view): fetched only when a person opens what needs them, so
  // not part of the page's bundle above.
  for (const [name, pattern] of [
    ['worker', /^worker(_bg\.wasm|\.js|_loader\.js)$/],
    ['studio', /^studio(_bg\.wasm|\.js|-start\.js)$/],
  ]) {
    let oraw = 0, ogz = 0;
    for (const f of readdirSync(dist)) {
      if (!pattern.test(f)) continue;
      const bytes = readFileSync(join(dist, f));
      oraw += bytes.length;
      ogz += gzipSync(bytes, { level: 9 }).length;
    }
    if (oraw) console.log(`${name}, loaded on demand (wasm + js): ${(oraw / 1024).toFixed(1)} KB, ${(ogz / 1024).toFixed(1)} KB gzip`);
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

// Opens `url` in `page` and waits until the run has drawn a few frames.
async function running(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.frame_count() > 5);
}

async function frames(browser, url, label, setup = async () => {}) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await running(page, url);
  await setup(page);
  const parts = ['Cluster', 'Node', 'Timer', 'Message', 'Clock', 'Timeline', 'LogTable', 'Applied', 'EventLog', 'Details', 'Safety', 'Client', 'Network'];
  const renders = () => page.evaluate((names) => names.map((n) => window.wasmBindings.part_renders(n)), parts);
  const drawnBefore = await renders();
  await page.waitForTimeout(SECONDS * 1000);
  const drawn = (await renders()).map((n, i) => `${parts[i]} ${n - drawnBefore[i]}`).join(', ');
  const times = await page.evaluate(() => Array.from(window.wasmBindings.frame_times()));
  const count = await page.evaluate(() => window.wasmBindings.frame_count());
  const sorted = times.slice().sort((a, b) => a - b);
  console.log(`${label}: ${count} frames in ${SECONDS}s, work per frame p50 ${percentile(sorted, 0.5).toFixed(2)} ms, ` +
    `p95 ${percentile(sorted, 0.95).toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(2)} ms`);
  console.log(`${label}: parts drawn in those ${SECONDS} s: ${drawn}`);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForTimeout(800);
  const before = await page.evaluate(() => window.wasmBindings.frame_count());
  await page.waitForTimeout(2000);
  const after = await page.evaluate(() => window.wasmBindings.frame_count());
  console.log(`${label}: frames while paused for 2 s: ${after - before}`);
  await page.close();
}

// The frames of a run grouped by the parts they drew ("Cluster+Message+
// Clock": a message came or went): how many, and the median and p95 work
// of each kind, the most frequent first. The timer's 0.1 ms steps and the
// machine's noise hide a change to one frame; a kind's median over a few
// dozen does not. Each animation frame is wrapped to read the parts'
// counts before it and, in a task queued after it (after Yew has drawn),
// after it.
async function frameKinds(browser, url, label) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript((parts) => {
    window.frameKinds = [];
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (callback) => raf((t) => {
      const w = window.wasmBindings;
      if (!w) return callback(t);
      const counts = () => parts.map((p) => w.part_renders(p));
      const [before, frames] = [counts(), w.frame_count()];
      callback(t);
      setTimeout(() => {
        if (w.frame_count() === frames) return;
        const after = counts();
        const kind = parts.filter((_, i) => after[i] > before[i])
          .join('+') || '(nothing drawn)';
        const times = w.frame_times();
        window.frameKinds.push([kind, times[times.length - 1]]);
      }, 0);
    });
  }, ['Cluster', 'Links', 'Node', 'Timer', 'Message', 'Bar', 'Clock', 'Timeline', 'TimelineMarks', 'LogTable',
    'Details', 'Safety', 'Client', 'Network', 'Applied', 'EventLog', 'Diagram']);
  await running(page, url);
  await page.evaluate(() => { window.frameKinds = []; });
  await page.waitForTimeout(SECONDS * 2000);
  const kinds = new Map();
  for (const [kind, ms] of await page.evaluate(() => window.frameKinds)) {
    kinds.set(kind, [...(kinds.get(kind) || []), ms]);
  }
  console.log(`${label}, frames by what they drew (${SECONDS * 2} s): count, median, p95 of work`);
  for (const [kind, times] of [...kinds].sort((a, b) => b[1].length - a[1].length).slice(0, 8)) {
    const sorted = times.sort((a, b) => a - b);
    console.log(`  ${String(sorted.length).padStart(4)}  ${percentile(sorted, 0.5).toFixed(1)} ms  ` +
      `${percentile(sorted, 0.95).toFixed(1)} ms  ${kind}`);
  }
  await page.close();
}

// Each animation frame's wall time and the main thread's CPU time in it,
// from a trace of the run: p50 and p95 of each, and how many frames the
// thread spent more than 1 ms of off the CPU.
async function threadTimes(browser, url, label) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await running(page, url);
  const path = join(tmpdir(), `measure-trace-${process.pid}.json`);
  await browser.startTracing(page, { path, categories: ['devtools.timeline'] });
  await page.waitForTimeout(SECONDS * 2000);
  await browser.stopTracing();
  await page.close();
  const trace = JSON.parse(readFileSync(path, 'utf8'));
  unlinkSync(path);
  const frames = (trace.traceEvents || trace)
    .filter((e) => e.ph === 'X' && e.name === 'FireAnimationFrame' && e.tdur !== undefined);
  if (!frames.length) {
    console.log(`${label}: no frames traced`);
    return;
  }
  const sorted = (key) => frames.map((e) => e[key] / 1000).sort((a, b) => a - b);
  const [wall, thread] = [sorted('dur'), sorted('tdur')];
  const away = frames.filter((e) => e.dur - e.tdur > 1000).length;
  const figure = (ms) => `p50 ${percentile(ms, 0.5).toFixed(2)} ms, p95 ${percentile(ms, 0.95).toFixed(2)} ms`;
  console.log(`${label}, traced (${SECONDS * 2} s, ${frames.length} frames): wall ${figure(wall)}; ` +
    `main-thread CPU ${figure(thread)}; ${away} frames off the CPU for more than 1 ms`);
}

// How cpu() starts and pauses a page: this one, by default, and a copy
// of RaftScope (`RAFTSCOPE_DIR`), paused with its space bar.
const THIS_PAGE = {
  ready: (page) => page.waitForFunction(() => window.wasmBindings && window.wasmBindings.frame_count() > 5),
  pause: (page) => page.getByRole('button', { name: 'Pause' }).click(),
  paused: async () => true,
};
const RAFTSCOPE = {
  ready: (page) => page.waitForFunction(() => window.state && window.state.current && window.state.current.time > 0),
  pause: (page) => page.keyboard.press('Space'),
  paused: (page) => page.evaluate(() => window.playback.isPaused()),
};

// A page's CPU cost: main-thread task time (TaskDuration, seconds of
// busy main thread) per wall second, over SECONDS of running and then of
// pausing, at the page's default speed.
async function cpu(browser, url, label, kind = THIS_PAGE) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  // Seconds of main thread: all tasks, and the script, style and layout
  // parts of them (the rest is mostly paint and compositing).
  const KINDS = ['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration'];
  const busy = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return KINDS.map((k) => metrics.find((m) => m.name === k).value);
  };
  await page.goto(url);
  await kind.ready(page);
  await page.waitForTimeout(2000); // past start-up
  // Milliseconds of each kind per wall second.
  const over = async (seconds) => {
    const [b0, t0] = [await busy(), Date.now()];
    await page.waitForTimeout(seconds * 1000);
    const wall = (Date.now() - t0) / 1000;
    return (await busy()).map((b, i) => ((b - b0[i]) * 1000) / wall);
  };
  const running = await over(SECONDS);
  await kind.pause(page);
  // Past this page's coming to rest (a draw 400 ms after its last input).
  await page.waitForTimeout(1000);
  if (!(await kind.paused(page))) errors.push('it did not pause');
  const paused = await over(Math.min(SECONDS, 5));
  const [task, script, style, layout] = running.map((x) => x.toFixed(0));
  console.log(`${label}: main-thread task time ${task} ms/s running (script ${script}, style ${style}, ` +
    `layout ${layout}), ${paused[0].toFixed(0)} ms/s paused`);
  if (errors.length) console.log(`${label}: errors: ${errors.join('; ')}`);
  await page.close();
}

async function compareWithRaftScope(browser, ourUrl) {
  const dir = process.env.RAFTSCOPE_DIR;
  if (!dir) return;
  const theirs = await serve(dir);
  try {
    for (let i = 1; i <= 3; i++) {
      await cpu(browser, `${theirs.url}/index.html`, `RaftScope (${dir}), 5 servers, its default speed, pair ${i}`, RAFTSCOPE);
      await cpu(browser, ourUrl, `this page, pair ${i}`);
    }
  } finally {
    theirs.stop();
  }
}

// The wasm's largest functions and its bytes per crate (before wasm-opt,
// with names, so the shares are what matters, not the totals).
function sizeReport() {
  const wasm = 'target/wasm32-unknown-unknown/web/playground.wasm';
  if (!existsSync(wasm)) return console.log(`size report: ${wasm} not found (run trunk build --release)`);
  let csv;
  try {
    csv = execFileSync('twiggy', ['top', '-n', '100000', '-f', 'csv', wasm], { maxBuffer: 1 << 28 }).toString();
  } catch {
    return console.log('size report: twiggy not found (scripts/install.sh --measure installs it)');
  }
  // CSV: the name is quoted when it holds a comma, with quotes doubled.
  const rows = csv.trim().split('\n').slice(1).map((line) => {
    const m = line.match(/^("(?:[^"]|"")*"|[^,]*),(\d+),/);
    return m ? { name: m[1].replace(/^"|"$/g, '').replaceAll('""', '"'), bytes: Number(m[2]) } : null;
  }).filter((r) => r && !/^(custom section|"?function names|data segment|export |import |elem\[|table\[|type\[)/.test(r.name));
  const code = rows.reduce((s, r) => s + r.bytes, 0);
  console.log(`size report (twiggy, before wasm-opt): ${(code / 1024).toFixed(0)} KB of code`);
  for (const r of rows.slice(0, 12)) console.log(`  ${(r.bytes / 1024).toFixed(1).padStart(6)} KB  ${r.name.slice(0, 110)}`);
  const crateOf = (name) => {
    const m = name.match(/^[<&*\s]*(?:dyn )?([a-z_][a-z0-9_]*)/);
    return m ? m[1] : 'other';
  };
  const byCrate = new Map();
  for (const r of rows) byCrate.set(crateOf(r.name), (byCrate.get(crateOf(r.name)) || 0) + r.bytes);
  const top = [...byCrate.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log('  by crate: ' + top.map(([c, b]) => `${c} ${(b / 1024).toFixed(0)} KB`).join(', '));
}

// Time travel: build a 10-minute run (5 nodes, a client at 10 req/s), then
// jump to random points on the timeline; time from the input event until
// the next animation frame (the jump, the render and at most one frame wait).
async function jumps(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.waitForFunction(() => window.wasmBindings);
  const skip = page.getByRole('button', { name: 'Skip 1 simulated second' });
  const memory = [];
  for (let i = 1; i <= 600; i++) {
    await skip.click();
    if (i % 150 === 0) memory.push(await page.evaluate(() => window.wasmBindings.memory_bytes()));
  }
  console.log(`memory (wasm heap) after 150, 300, 450, 600 simulated s at 10 req/s: ` +
    memory.map((b) => `${(b / 1048576).toFixed(0)} MB`).join(', '));
  const times = await page.evaluate(async () => {
    const input = document.querySelector('input[aria-label=Timeline]');
    const max = Number(input.max);
    const out = [];
    let x = 12345;
    for (let i = 0; i < 30; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const target = Math.floor((x / 2147483648) * max);
      const t0 = performance.now();
      input.value = String(target);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => r()));
      out.push(performance.now() - t0);
    }
    return out;
  });
  const sorted = times.slice().sort((a, b) => a - b);
  console.log(`time travel in a 600 s run: 30 random jumps, p50 ${percentile(sorted, 0.5).toFixed(1)} ms, ` +
    `p95 ${percentile(sorted, 0.95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (jump + render + next frame)`);
  await page.close();
}

if (want('bundle')) bundle();
if (want('size')) sizeReport();
await withBrowser(dist, async ({ url, browser }) => {
  if (want('cpu')) {
    await compareWithRaftScope(browser, `${url}/?seed=1&nodes=5`);
    await cpu(browser, `${url}/?seed=1&nodes=5`, '5 nodes, default speed');
    await cpu(browser, `${url}/?seed=1&nodes=9&load=10`, '9 nodes, client at 10 req/s');
  }
  if (want('frames')) await allFrames(browser, url);
  if (want('kinds')) await frameKinds(browser, `${url}/?seed=1&nodes=5`, '5 nodes, default speed');
  if (want('threads')) {
    await threadTimes(browser, `${url}/?seed=1&nodes=5`, '5 nodes, default speed');
    await threadTimes(browser, `${url}/?seed=1&nodes=9&load=10`, '9 nodes, client at 10 req/s');
  }
  if (want('jumps')) await jumps(browser, `${url}/?seed=1&nodes=5&load=10&paused=1`);
  if (want('host')) {
    for (const n of [1000, 10000]) await hostBurst(browser, url, n);
  }
});

async function hostBurst(browser, url, n) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  await page.goto(`${url}/host-example.html`);
  await page.waitForSelector('#log li[data-type="leader_elected"]', { timeout: 30000 });
  const ms = await page.evaluate((n) => new Promise((resolve) => {
    const w = document.getElementById('cluster').contentWindow;
    const t0 = performance.now();
    // The last command is impossible: its error event says all were taken.
    window.addEventListener('message', (e) => {
      if (e.data && e.data.type === 'error') resolve(performance.now() - t0);
    });
    for (let i = 0; i < n; i++) {
      w.postMessage({ type: 'act', action: { action: 'client', op: 'write', key: 'k', value: String(i) } }, '*');
    }
    w.postMessage({ type: 'act', action: { action: 'stop', node: 99 } }, '*');
  }), n);
  const embed = page.frame({ url: /embed=1/ });
  const fps = [];
  for (let i = 0; i < 8; i++) {
    fps.push(await embed.evaluate(() => new Promise((resolve) => {
      let count = 0;
      const t0 = performance.now();
      const frame = () => { count++; if (performance.now() - t0 < 1000) requestAnimationFrame(frame); else resolve(count); };
      requestAnimationFrame(frame);
    })));
  }
  console.log(`host burst: ${n} client writes posted at once, all taken in ${ms.toFixed(0)} ms; ` +
    `then frames per second in the embed, 1 s at a time: ${fps.join(', ')}`);
  await page.close();
}

async function allFrames(browser, url) {
  await frames(browser, `${url}/?seed=1&nodes=5`, '5 nodes, default speed');
  // The sections below the picture are drawn only in view (view::on_screen):
  // the same run with the message diagram, the log table and the applied
  // lists scrolled into view, so they are drawn as they change.
  await frames(browser, `${url}/?seed=1&nodes=5`, '5 nodes, default speed, scrolled to the message diagram',
    (page) => page.evaluate(() => document.querySelector('.sequence').scrollIntoView()));
  await frames(browser, `${url}/?seed=1&nodes=9&load=10`, '9 nodes, client at 10 req/s');
  await frames(browser, `${url}/?seed=1&nodes=8&load=10`, '8 nodes growing to 9, client at 10 req/s',
    async (page) => {
      // A leader first: before one is elected the change is refused.
      await page.waitForTimeout(1500);
      await page.getByRole('button', { name: 'Add server' }).click();
    });
}
