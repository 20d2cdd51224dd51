// Measures the playground's release build in headless Chromium and prints
// figures (no assertions: machines are noisy, figures go in the README).
//   node scripts/measure-playground.mjs [dist]
// - bundle: wasm + JS glue, raw and gzip
// - wasm work per animation frame (simulation advance + render), p50/p95/max:
//   5 nodes at default speed; 9 nodes with a client at 10 requests/simulated s
// - frames run while paused (should be 0)
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { withBrowser } from '../tests/e2e/serve.mjs';

const dist = process.argv[2] || 'dist';
const SECONDS = Number(process.env.MEASURE_SECONDS || 10);

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
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function frames(browser, url, label) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.frame_count() > 5);
  await page.waitForTimeout(SECONDS * 1000);
  const times = await page.evaluate(() => Array.from(window.wasmBindings.frame_times()));
  const count = await page.evaluate(() => window.wasmBindings.frame_count());
  const sorted = times.slice().sort((a, b) => a - b);
  console.log(`${label}: ${count} frames in ${SECONDS}s, work per frame p50 ${percentile(sorted, 0.5).toFixed(2)} ms, ` +
    `p95 ${percentile(sorted, 0.95).toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(2)} ms`);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForTimeout(800);
  const before = await page.evaluate(() => window.wasmBindings.frame_count());
  await page.waitForTimeout(2000);
  const after = await page.evaluate(() => window.wasmBindings.frame_count());
  console.log(`${label}: frames while paused for 2 s: ${after - before}`);
  await page.close();
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

bundle();
await withBrowser(dist, async ({ url, browser }) => {
  await frames(browser, `${url}/?seed=1&nodes=5`, '5 nodes, default speed');
  await frames(browser, `${url}/?seed=1&nodes=9&load=10`, '9 nodes, client at 10 req/s');
  await jumps(browser, `${url}/?seed=1&nodes=5&load=10&paused=1`);
});
