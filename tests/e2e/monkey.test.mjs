// A monkey at the release page, in both browsers: seeded random clicks on
// whatever button, menu, slider, checkbox, field or server is on screen,
// and random shortcut keys, with the page running. After every step the
// page must not have shown its error panel (a Rust panic) or logged an
// error, and at the end it must still run. The natively tested session
// has a monkey of its own (tests/session_monkey.rs); this one covers the
// Yew layer: the listeners, the values read from the DOM, the parts.
// Run: node --test tests/e2e/monkey.test.mjs  (after scripts/build-web.sh);
// MONKEY_STEPS=N for a longer hunt, MONKEY_SEED=S for another sequence,
// MONKEY_PAGE='/?embed=1' (any path and query) for another way in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browsers, button, withPage } from './browsers.mjs';

const DIST = process.env.DIST || 'dist';
const STEPS = Number(process.env.MONKEY_STEPS || 120);
const SEED = Number(process.env.MONKEY_SEED || 7);

/* Runs in the page: does one random thing, chosen by the numbers in
 * `r` (each in [0, 1)), and says what it did. Self-contained: both
 * drivers send its source text. */
function monkeyStep(r) {
  const pick = (list, x) => list[Math.floor(x * list.length)];
  const shown = (e) => {
    if (e.closest('[hidden], #fatal-error') || e.disabled) return false;
    const style = getComputedStyle(e);
    return e.getClientRects().length > 0 && style.visibility !== 'hidden';
  };
  const name = (e) =>
    `${e.tagName.toLowerCase()} "${(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40)}"`;
  const texts = ['x=1', 'get x', 'cas x 1 2', '', '3', '-1', '99999999999999999999', '1->2', '2 -> 9',
    'abc', '\u{1F600}', '#z=AAAA', '#r=!!', '{"version": 1}', '{'];
  const keys = [' ', '.', 's', 'ArrowRight', 'ArrowLeft', 'c', 'r', 't', 'a', 'u', 'i', 'd', 'l', 'h', '?',
    'Escape', '+', '-', 'z'];
  // Links leave the page, files need a picker, downloads a dialog.
  const candidates = [...document.querySelectorAll(
    'button, select, input:not([type=file]), g.node, g.message, [role=button]')]
    .filter(shown)
    .filter((e) => !/download/i.test(e.textContent || ''));
  if (r[0] < 0.15 || candidates.length === 0) {
    const key = pick(keys, r[1]);
    document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
    return `key ${JSON.stringify(key)}`;
  }
  const e = pick(candidates, r[1]);
  const tag = e.tagName.toLowerCase();
  if (tag === 'select') {
    const option = pick([...e.options], r[2]);
    if (!option) return `${name(e)}: no options`;
    e.value = option.value;
    e.dispatchEvent(new Event('change', { bubbles: true }));
    return `${name(e)} = ${JSON.stringify(option.value)}`;
  }
  if (tag === 'input' && e.type === 'range') {
    const [min, max] = [Number(e.min || 0), Number(e.max || 100)];
    e.value = String(min + r[2] * (max - min));
    e.dispatchEvent(new Event('input', { bubbles: true }));
    e.dispatchEvent(new Event('change', { bubbles: true }));
    return `${name(e)} = ${e.value}`;
  }
  if (tag === 'input' && e.type !== 'checkbox' && e.type !== 'radio') {
    e.value = pick(texts, r[2]);
    e.dispatchEvent(new Event('input', { bubbles: true }));
    e.dispatchEvent(new Event('change', { bubbles: true }));
    if (r[3] < 0.5) e.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    return `${name(e)} = ${JSON.stringify(e.value)}`;
  }
  // SVG shapes (servers, messages, marks) have no click(): send one.
  if (e instanceof SVGElement) {
    e.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    return `click ${tag}.${e.getAttribute('class')} ${e.getAttribute('data-node') || ''}`;
  }
  e.click();
  return `click ${name(e)}`;
}

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

for (const kind of browsers()) {
  test(`${kind.name}: a monkey clicking at random never breaks the page`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + (process.env.MONKEY_PAGE || '/?seed=3&nodes=5'));
      await page.waitFor('g.node');
      const random = generator(SEED);
      const done = [];
      const broken = async () => {
        const fatal = await page.run(() => document.getElementById('fatal-error')?.textContent ?? null);
        if (fatal !== null) return `the error panel: ${fatal}`;
        return page.errors.length ? `console errors: ${page.errors.join(' | ')}` : null;
      };
      for (let step = 0; step < STEPS; step++) {
        const r = [random(), random(), random(), random()];
        done.push(await page.run(monkeyStep, r));
        await page.sleep(20 + Math.floor(random() * 120));
        const what = await broken();
        assert.equal(what, null, `seed ${SEED}, step ${step}: ${what}\nlast steps, last first:\n  ${done.slice(-15).reverse().join('\n  ')}`);
      }
      // Still alive: close whatever is open, play, and the clock moves.
      await page.run(() => document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
      // Back from the Experiments view, if the last click opened it (seed 7
      // does since 2026-12-06: the steps before it changed).
      const away = await page.run(() => (document.querySelector('.experiments-page')?.getClientRects().length ?? 0) > 0);
      if (away) await page.click({ css: '.experiments-page button', name: '← Back to the player' });
      await page.waitFor('g.node');
      const ended = await page.run(() => !!document.querySelector('button[aria-label="End the tour"], button.end-tour'));
      if (ended) await page.click(button('End the tour'));
      const playing = await page.run(() => [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Pause'));
      if (!playing) await page.click(button('Play'));
      const clock = await page.text('.clock');
      await page.waitForFunction((before) => document.querySelector('.clock').textContent !== before, clock, { timeout: 10000 });
      assert.equal(await broken(), null);
      // A monkey that pressed one button would prove little.
      const touched = new Set(done.map((d) => d.split(' = ')[0]));
      assert.ok(touched.size >= STEPS / 6, `only ${touched.size} different things done`);
      if (process.env.MONKEY_LOG) console.log(done.join('\n'));
      console.log(`# ${kind.name}: ${STEPS} random steps (seed ${SEED}), ${touched.size} different controls and keys, page alive`);
    });
  });
}
