// End to end: every guided tour plays to its end; the example blog page
// embeds two playgrounds; the Embed snippet reproduces the run; a scenario
// file loads; and the page keeps to its strict Content-Security-Policy,
// fetching nothing but its own files.
// Run: node --test tests/e2e/  (after scripts/build-web.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { withBrowser } from './serve.mjs';

const DIST = process.env.DIST || 'dist';
const SHOTS = process.env.SCREENSHOTS || 'target/screenshots';

/** A page that records console errors, page errors, CSP violations and
 *  every URL it requests. */
async function watchedPage(browser, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage({ viewport });
  const seen = { errors: [], requests: [] };
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
  page.on('pageerror', (e) => seen.errors.push(String(e)));
  page.on('request', (r) => seen.requests.push(r.url()));
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return { page, seen };
}

const stepLabel = (page) => page.locator('.tour-step').textContent();

test('every guided tour runs to its end', async () => {
  await withBrowser(DIST, async ({ url, browser }) => {
    const { page, seen } = await watchedPage(browser);
    await page.goto(url + '/?paused=1');
    const ids = await page.locator('select[aria-label="Guided tour"] option')
      .evaluateAll((options) => options.map((o) => o.value).filter((v) => v));
    assert.equal(ids.length, 7, `tours in the menu: ${ids}`);
    for (const id of ids) {
      await page.goto(`${url}/?tour=${id}`);
      await page.locator('.tour-step', { hasText: 'step 1 of' }).waitFor();
      const total = Number((await stepLabel(page)).match(/of (\d+)/)[1]);
      const texts = [await page.locator('.tour-text').textContent()];
      for (let step = 2; step <= total; step++) {
        await page.keyboard.press('ArrowRight');
        // Let it play a little, then skip the rest of the stretch.
        await page.waitForTimeout(150);
        if ((await stepLabel(page)).startsWith('playing')) await page.keyboard.press('ArrowRight');
        await page.locator('.tour-step', { hasText: new RegExp(`^step ${step} of ${total}$`) }).waitFor();
        texts.push(await page.locator('.tour-text').textContent());
      }
      assert.equal(new Set(texts).size, total, `${id}: each step has its own words`);
      assert.ok(page.url().endsWith(`tour=${id}&step=${total}`), `linkable: ${page.url()}`);
      assert.equal(await page.locator('.tour-note').count(), 0, `${id}: the run is the tour's`);
      if (id === 'minority-leader') await page.screenshot({ path: `${SHOTS}/tour-${id}.png` });
    }
    // Back with ← returns to the previous step; a link opens a given step.
    await page.keyboard.press('ArrowLeft');
    await page.locator('.tour-step', { hasText: /^step \d+ of \d+$/ }).waitFor();
    await page.goto(`${url}/?tour=split-vote&step=3`);
    await page.locator('.tour-step', { hasText: /^step 3 of / }).waitFor();
    await page.goto(`${url}/?tour=no-such-tour`);
    await page.locator('.notice', { hasText: "there is no tour 'no-such-tour'" }).waitFor();
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  });
});

test('the example page embeds two live playgrounds inside prose', async () => {
  mkdirSync(SHOTS, { recursive: true });
  await withBrowser(DIST, async ({ url, browser }) => {
    const { page, seen } = await watchedPage(browser, { width: 1000, height: 1500 });
    await page.goto(url + '/embed-example.html');
    const frames = ['#split-vote', '#minority-leader'].map((id) => page.frameLocator(id));
    for (const frame of frames) {
      await frame.locator('.playground.embed svg.cluster g.node').first().waitFor();
      assert.equal(await frame.locator('.side').count(), 0, 'compact: no side panels');
      await frame.getByRole('slider', { name: 'Timeline' }).waitFor();
    }
    // The first is a tour that steps inside its frame.
    await frames[0].getByRole('button', { name: 'Next →' }).click();
    await frames[0].getByRole('button', { name: 'Skip ahead →' }).click();
    await frames[0].locator('.tour-step', { hasText: 'step 2 of' }).waitFor();
    // The second is a scenario: seven actions marked on its timeline.
    assert.equal(await frames[1].locator('.tmark.mark-request').count() >= 4, true);
    await page.screenshot({ path: `${SHOTS}/embed-example.png`, fullPage: true });
    assert.deepEqual(seen.errors, []);
  });
});

test('the Embed snippet and a scenario file reproduce a run', async () => {
  await withBrowser(DIST, async ({ url, browser }) => {
    const { page, seen } = await watchedPage(browser);
    await page.goto(url + '/?seed=3&paused=1');
    await page.getByRole('button', { name: 'Skip 1 simulated second' }).click();
    await page.getByRole('button', { name: 'Isolate leader' }).click();
    await page.getByRole('button', { name: 'Skip 1 simulated second' }).click();
    const hash = await page.getByLabel('Trace hash').textContent();
    await page.getByRole('button', { name: 'Embed' }).click();
    const snippet = await page.getByRole('textbox', { name: 'Embed code' }).inputValue();
    const src = snippet.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
    assert.ok(src.startsWith(`${url}/?embed=1#`), src);

    const { page: embedded, seen: seenEmbedded } = await watchedPage(browser, { width: 700, height: 460 });
    await embedded.goto(src);
    await embedded.locator('.playground.embed').waitFor();
    await embedded.getByRole('button', { name: 'Pause' }).click();
    await embedded.getByRole('slider', { name: 'Timeline' }).fill('2000');
    assert.equal(await embedded.getByLabel('Trace hash').textContent(), hash);

    // The same run from a file; a file that is not a scenario is refused
    // and the run is kept.
    const example = readFileSync('docs/examples/minority-leader.json');
    const file = page.getByLabel('Scenario file');
    await file.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"version":1,"nodes":-3}') });
    await page.locator('.notice', { hasText: 'your current run is unchanged' }).waitFor();
    assert.equal(await page.getByLabel('Trace hash').textContent(), hash);
    await file.setInputFiles({ name: 'minority-leader.json', mimeType: 'application/json', buffer: example });
    await page.waitForFunction(() => document.querySelector('input.seed').value === '7');
    assert.equal((await page.getByLabel('Simulated time').textContent()).trim(), 't = 0.000 s');
    assert.equal(await page.locator('.tmark.mark-request').count(), 5);
    assert.deepEqual([...seen.errors, ...seenEmbedded.errors], []);
  });
});

test('the page keeps to its strict CSP and fetches only its own files', async () => {
  await withBrowser(DIST, async ({ url, browser }) => {
    const { page, seen } = await watchedPage(browser);
    await page.goto(url + '/?seed=2');
    await page.locator('g.node[data-role=leader]').first().waitFor({ timeout: 20000 });
    await page.getByRole('button', { name: 'Share this run' }).click();
    await page.getByRole('button', { name: 'Embed' }).click();
    await page.keyboard.press('?');
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.match(csp, /style-src 'self';/);
    assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    const foreign = seen.requests.filter((u) => !u.startsWith(url + '/') && !u.startsWith('data:'));
    assert.deepEqual(foreign, [], 'no requests beyond its own files');
    assert.deepEqual(seen.errors, []);
    // The policy is really in force: an injected inline script is refused
    // and reported.
    const ran = await page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.head.append(script);
      await new Promise((r) => setTimeout(r, 100));
      return window.inlineRan === true;
    });
    assert.equal(ran, false, 'inline script must not run');
    assert.deepEqual(await page.evaluate(() => window.cspViolations), ['script-src-elem inline']);
  });
});
