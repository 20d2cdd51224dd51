// End to end, as a new user would: open the release build, wait for a
// leader, send a message, partition the leader away, see a new leader, heal,
// see the old leader become a follower; no console errors. Saves a screenshot.
// Run: node --test tests/e2e/  (after `trunk build --release`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { withBrowser } from './serve.mjs';

const DIST = process.env.DIST || 'dist';
const SHOTS = process.env.SCREENSHOTS || 'target/screenshots';

async function leaderOf(page) {
  const leader = page.locator('g.node[data-role=leader]');
  await leader.first().waitFor({ timeout: 20000 });
  return {
    id: await leader.first().getAttribute('data-node'),
    term: Number(await leader.first().getAttribute('data-term')),
  };
}

test('a new user elects, writes, partitions, heals', async () => {
  const errors = [];
  await withBrowser(DIST, async ({ url, browser }) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url + '/?seed=5');

    // A leader appears within a few seconds at the default speed.
    const started = Date.now();
    const first = await leaderOf(page);
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds < 15, `first leader after ${seconds}s`);
    const label = await page.locator(`g.node[data-node="${first.id}"]`).getAttribute('aria-label');
    assert.match(label, new RegExp(`^Node ${first.id}, leader, term \\d+$`));

    // Send a message; it is applied everywhere.
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('hello raft');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.requests li.ok', { hasText: 'hello raft' }).waitFor({ timeout: 20000 });
    await page.locator('.applied td.delivered', { hasText: 'hello raft' }).nth(4).waitFor({ timeout: 20000 });

    // Partition the leader away: the majority elects another.
    await page.getByRole('button', { name: 'Isolate leader' }).click();
    await page.waitForFunction((old) => {
      const leaders = [...document.querySelectorAll('g.node[data-role=leader]')].map((g) => g.dataset.node);
      return leaders.some((id) => id !== old);
    }, first.id, { timeout: 30000 });
    assert.ok(await page.locator('line.link.cut').count() > 0, 'the cut is drawn');
    await page.screenshot({ path: `${SHOTS}/partitioned.png` });

    // Heal: the old leader hears the higher term and becomes a follower.
    await page.getByRole('button', { name: 'Heal' }).click();
    await page.waitForFunction((old) => {
      const g = document.querySelector(`g.node[data-node="${old}"]`);
      return g && g.dataset.role === 'follower';
    }, first.id, { timeout: 30000 });
    const after = await leaderOf(page);
    assert.ok(after.term > first.term, `term moved on: ${first.term} -> ${after.term}`);

    // Keyboard alone: the help overlay opens with ? and closes with Escape.
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await page.getByRole('dialog').count(), 0);

    // The run's trace hash is shown, for comparison with raft-sim.
    const hash = (await page.getByLabel('Trace hash').textContent()).trim();
    assert.match(hash, /^[0-9a-f]{16}$/);

    await page.screenshot({ path: `${SHOTS}/healed.png` });
    assert.deepEqual(errors, [], 'no console errors');
  });
});

test('a paused page does no per-frame work', async () => {
  await withBrowser(DIST, async ({ url, browser }) => {
    const page = await browser.newPage();
    await page.goto(url + '/?seed=2');
    await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.frame_count() > 10);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.waitForTimeout(800); // let any dying-message fade finish
    const before = await page.evaluate(() => window.wasmBindings.frame_count());
    await page.waitForTimeout(1000);
    const after = await page.evaluate(() => window.wasmBindings.frame_count());
    assert.equal(after, before, 'no frames while paused');
  });
});

mkdirSync(SHOTS, { recursive: true });

test('a broken link says what is wrong and the page still works', async () => {
  const errors = [];
  await withBrowser(DIST, async ({ url, browser }) => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url + '/#s=!!broken!!');
    await page.locator('.notice', { hasText: 'damaged' }).waitFor({ timeout: 10000 });
    await page.locator('g.node[data-role=leader]').first().waitFor({ timeout: 20000 });

    // Share the run, then paste the link back: it loads; a bad paste keeps the run.
    await page.getByRole('button', { name: 'Share this run' }).click();
    const link = await page.getByRole('textbox', { name: 'Link to this run' }).inputValue();
    assert.match(link, /#z=[A-Za-z0-9_-]+$/);
    await page.getByRole('textbox', { name: 'Scenario to load' }).fill('{"version":3}');
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await page.locator('.notice', { hasText: 'version 3 is not supported' }).waitFor();
    await page.locator('.notice', { hasText: 'your current run is unchanged' }).waitFor();
    await page.getByRole('textbox', { name: 'Scenario to load' }).fill(link);
    await page.getByRole('button', { name: 'Load', exact: true }).click();
    await page.waitForFunction(() => document.querySelector('.notice').textContent === '');
    assert.deepEqual(errors, []);
  });
});

test('the timeline rewinds the run and acting there forks it', async () => {
  const errors = [];
  await withBrowser(DIST, async ({ url, browser }) => {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url + '/?seed=4&paused=1');
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Skip 1 simulated second' }).click();
    const clock = () => page.getByLabel('Simulated time').textContent();
    assert.equal((await clock()).trim(), 't = 3.000 s');
    await page.getByRole('slider', { name: 'Timeline' }).fill('1200');
    assert.equal((await clock()).trim(), 't = 1.200 s');
    await page.locator('.timeline-note', { hasText: 'acting here discards' }).waitFor();
    await page.getByRole('button', { name: 'Heal' }).click();
    await page.locator('.timeline-note', { hasText: '1 action(s) recorded' }).waitFor();
    assert.equal(await page.getByRole('slider', { name: 'Timeline' }).getAttribute('max'), '1200');
    assert.deepEqual(errors, []);
  });
});
