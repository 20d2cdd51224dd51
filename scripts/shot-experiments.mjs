// Screenshots of the Experiments view (?view=experiments) for a person to
// look at: before running, while running (the progress bar), and done
// (both graphs, the table, a hover), at 1280x800 and at phone width; then
// the PreVote/CheckQuorum comparison's quick run (its bars, table and
// sentence) and a group of bars opened in the player.
//   node scripts/shot-experiments.mjs OUT_DIR [dist]
import { withBrowser } from '../tests/e2e/serve.mjs';

const out = process.argv[2] || '/tmp/shots';
const dist = process.argv[3] || 'dist';
const sizes = [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]];
await withBrowser(dist, async ({ browser, url }) => {
  for (const [name, viewport] of sizes) {
    const page = await browser.newPage({ viewport });
    page.on('pageerror', (e) => console.error('page error:', String(e)));
    await page.goto(`${url}/?view=experiments`);
    await page.getByRole('button', { name: /Quick run: 100 trials/ }).waitFor();
    await page.screenshot({ path: `${out}/exp-${name}-before.png` });
    const started = Date.now();
    await page.getByRole('button', { name: /Quick run: 100 trials/ }).click();
    await page.waitForTimeout(700);
    await page.screenshot({ path: `${out}/exp-${name}-running.png` });
    await page.locator('svg.cdf').first().waitFor({ timeout: 600000 });
    console.log(`${name}: quick run done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const svg = page.locator('svg.cdf').nth(1);
    const box = await svg.boundingBox();
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.45);
    await page.waitForTimeout(200);
    await page.screenshot({ path: `${out}/exp-${name}-done.png`, fullPage: true });
    // The graphs as a phone shows them, unscaled, with the hover: the
    // scroll moved the graph from under the pointer, so point again.
    await svg.scrollIntoViewIfNeeded();
    const shown = await svg.boundingBox();
    await page.mouse.move(shown.x + shown.width * 0.35, shown.y + shown.height * 0.45);
    await page.waitForTimeout(200);
    await page.screenshot({ path: `${out}/exp-${name}-graph.png` });
    // A trial opened in the player, paused before its crash.
    await page.locator('circle.trial[aria-label^="150–200 ms median trial"]').click();
    await page.getByLabel('Trace hash').waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/exp-${name}-trial.png` });
    await page.close();

    // The comparison, in a page of its own.
    const bars = await browser.newPage({ viewport });
    bars.on('pageerror', (e) => console.error('page error:', String(e)));
    await bars.goto(`${url}/?view=experiments`);
    const quick = bars.getByRole('button', { name: /Quick run: 40 seeds/ });
    await quick.waitFor();
    const begun = Date.now();
    await quick.click();
    await bars.waitForTimeout(1500);
    await bars.locator('.exp-comparison').screenshot({ path: `${out}/exp-${name}-bars-running.png` });
    await bars.locator('.exp-difference').waitFor({ timeout: 600000 });
    console.log(`${name}: quick comparison done in ${((Date.now() - begun) / 1000).toFixed(1)} s`);
    await bars.locator('g.bar-group').nth(2).focus();
    await bars.locator('.exp-comparison').screenshot({ path: `${out}/exp-${name}-bars.png` });
    await bars.locator('g.bar-group[data-switches="both"] rect.bar').first().click();
    await bars.getByLabel('Trace hash').waitFor();
    await bars.waitForTimeout(300);
    await bars.screenshot({ path: `${out}/exp-${name}-bars-trial.png` });
    await bars.close();
  }
});
