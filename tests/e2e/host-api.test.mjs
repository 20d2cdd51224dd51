// End to end: the host-page API (docs/embedding.md). The example page
// www/host-example.html drives an embedded cluster through postMessage and
// prints what it reports; hostile messages are ignored with one console
// warning each and leave the run alone; an impossible command is answered
// with an error event; messages from any window but the parent, or from
// another origin than `origin=` names, are not obeyed. Every test runs in
// Chromium and in Firefox (tests/e2e/browsers.mjs).
// Run: node --test tests/e2e/host-api.test.mjs  (after scripts/build-web.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { browsers, button, labelled, withoutFile, withPage } from './browsers.mjs';

const DIST = process.env.DIST || 'dist';
const SHOTS = process.env.SCREENSHOTS || 'target/screenshots';
const SIZE = { width: 1100, height: 1400 };

/** In every document, the host page's and the embed's alike: the
 *  playground's console warnings, console errors and uncaught exceptions
 *  (the drivers may not report a frame's), the messages the window
 *  receives, and Content-Security-Policy violations. */
async function watch(page) {
  await page.addInitScript(() => {
    if (window.playgroundWarnings) return; // installed once per document
    window.playgroundWarnings = [];
    const warn = console.warn.bind(console);
    console.warn = (...args) => {
      const text = args.map(String).join(' ');
      if (text.startsWith('raft-playground:')) window.playgroundWarnings.push(text);
      warn(...args);
    };
    window.frameErrors = [];
    const error = console.error.bind(console);
    console.error = (...args) => {
      window.frameErrors.push(args.map(String).join(' '));
      error(...args);
    };
    window.addEventListener('error', (e) => window.frameErrors.push(String(e.message)));
    window.addEventListener('unhandledrejection', (e) => window.frameErrors.push(String(e.reason)));
    window.received = [];
    window.addEventListener('message', (e) => {
      window.received.push(typeof e.data === 'object' && e.data !== null ? e.data.type ?? '?' : typeof e.data);
    });
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

/** The host page's log lines of one type, oldest first. */
const entries = (page, type) => page.evaluate((type) => [...document.querySelectorAll(`#log li[data-type="${type}"]`)]
  .reverse().map((li) => ({ ...li.dataset, text: li.textContent })), type);

/** Posts a message to the embed from the host page (its parent). */
const post = (page, message) => page.evaluate((m) => {
  document.getElementById('cluster').contentWindow.postMessage(m, '*');
}, message);

const hostStatus = (page) => page.evaluate(() => ({ ...document.getElementById('status').dataset, text: document.getElementById('status').textContent }));

/** Opens the example host page and waits until the embed said `ready` and
 *  has elected a first leader; speeds the run up (a host's `set_speed`). */
async function openHost(page, url) {
  await page.goto(url + '/host-example.html');
  await page.waitFor('#log li[data-type="ready"]', { timeout: 30000 });
  await post(page, { type: 'set_speed', speed: 0.25 });
  await page.waitFor('#log li[data-type="leader_elected"]', { timeout: 30000 });
  const embed = page.frame('#cluster');
  await embed.waitFor('.playground.embed svg.cluster g.node');
  return embed;
}

const maxTerm = async (page) => Math.max(...(await entries(page, 'leader_elected')).map((e) => Number(e.term)));

/** Frames a paused embed (`?embed=1&paused=1&` + `query`) as `#id` in
 *  the host page, and sends it `play` from there, its parent. */
async function frameAndPlay(page, id, query) {
  await page.evaluate(([id, query]) => {
    const frame = document.createElement('iframe');
    frame.id = id;
    frame.src = `./?embed=1&paused=1&${query}`;
    document.body.append(frame);
  }, [id, query]);
  const embed = page.frame(`#${id}`);
  await embed.waitFor('.playground.embed svg.cluster g.node');
  await page.evaluate((id) => document.getElementById(id).contentWindow.postMessage({ type: 'play' }, '*'), id);
  return embed;
}

for (const kind of browsers()) {
  test(`${kind.name}: the example host page drives the embed and hears back`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await watch(page);
      const embed = await openHost(page, url);
      assert.equal(await embed.text('.notice'), '', 'origin= was accepted');

      // Crash the leader: a new leader is elected, for a higher term.
      const before = await maxTerm(page);
      await page.waitForFunction(() => document.getElementById('status').dataset.leader !== '', undefined, { timeout: 30000 });
      await page.click(button('Crash the leader now'));
      await page.waitFor({ css: '#log li[data-type="you"]', text: 'You crashed node' });
      await page.waitForFunction((before) => [...document.querySelectorAll('#log li[data-type="leader_elected"]')]
        .some((li) => Number(li.dataset.term) > before), before, { timeout: 30000 });
      const elected = await entries(page, 'leader_elected');
      const terms = elected.map((e) => Number(e.term));
      assert.deepEqual(terms, [...new Set(terms)].sort((a, b) => a - b), `one event per term, in order: ${terms}`);

      // A write finishes, and its entry is committed.
      await page.click(button('Send a write'));
      await page.waitFor({ css: '#log li[data-type="request_finished"]', text: 'write msg=hello 1' }, { timeout: 30000 });
      const [finished] = await entries(page, 'request_finished');
      assert.equal(finished.outcome, 'ok', finished.text);
      assert.ok((await entries(page, 'committed')).length > 0, 'commits are reported');

      // The clock goes on, throttled: at most 4 events a wall second.
      const t0 = Number((await hostStatus(page)).t);
      await page.evaluate(() => { window.clocks = 0; });
      await page.evaluate(() => window.addEventListener('message', (e) => {
        if (e.data && e.data.type === 'clock') window.clocks += 1;
      }));
      await page.sleep(2000);
      const clocks = await page.evaluate(() => window.clocks);
      assert.ok(clocks >= 4 && clocks <= 9, `${clocks} clock events in 2 s`);
      assert.ok(Number((await hostStatus(page)).t) > t0, 'the clock moved');

      // Partition, then heal: all reported, nothing refused.
      await page.click(button('Partition the network'));
      await page.sleep(1500);
      await page.click(button('Heal'));
      await page.sleep(500);
      await page.click(button('Pause'));
      await page.waitForFunction(() => /paused$/.test(document.getElementById('status').textContent));
      assert.match(await embed.text('.embed-bar button.primary'), /Play/);
      await page.screenshot(`${SHOTS}/${kind.name}-host-example.png`, { fullPage: true });
      if (kind.name === 'chromium') await page.screenshot(`${SHOTS}/host-example.png`, { fullPage: true });
      assert.deepEqual(await entries(page, 'error'), []);
      assert.deepEqual(await embed.evaluate(() => window.playgroundWarnings), []);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
      assert.deepEqual(await embed.evaluate(() => window.cspViolations), []);
      assert.deepEqual(await embed.evaluate(() => window.frameErrors), []);

      // Load a scenario: the run is replaced (seed 7's five actions).
      await page.click(button('Load a scenario'));
      await embed.waitFor({ ...labelled('Simulated time'), text: /^t = 0\.0\d\d s$/ });
      await page.click(button('Play'));
      await page.waitForFunction(() => [...document.querySelectorAll('#log li[data-type="request_finished"]')]
        .some((li) => li.textContent.includes('before the partition')), undefined, { timeout: 30000 });
      assert.deepEqual(page.errors, []);
    }, SIZE);
  });

  test(`${kind.name}: hostile messages are ignored with one warning each; impossible commands are refused`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await watch(page);
      const embed = await openHost(page, url);
      await page.click(button('Pause'));
      await page.waitForFunction(() => /paused$/.test(document.getElementById('status').textContent));
      await page.sleep(300);
      const hash = await embed.text(labelled('Trace hash'));
      const time = await embed.text(labelled('Simulated time'));

      // Built in the page: some of these cannot travel as JSON.
      const sent = await page.evaluate(() => {
        const cyclic = { type: 'play' };
        cyclic.self = cyclic;
        let deep = { type: 'play' };
        for (let i = 0; i < 200; i++) deep = { type: 'play', inner: deep };
        const hostile = [
          { type: 'seek', t_us: 'soon' }, // wrong type
          { type: 'set_speed', speed: true }, // wrong type
          { type: 'explode' }, // unknown type
          { type: 'seek' }, // missing field
          { act: 'stop' }, // no type
          { type: 'seek', t_us: 1e300 }, // huge number
          { type: 'act', action: { action: 'stop', node: 2 ** 64 } }, // huge number
          'x'.repeat(3_000_000), // a huge string
          { type: 'act', action: { action: 'client', op: 'write', key: 'k', value: 'v'.repeat(2_000_000) } },
          null,
          42,
          [{ type: 'play' }],
          cyclic,
          deep,
          new Map([['type', 'play']]),
          { type: 'play', at: new Date() },
          { type: 'subscribe', events: ['everything'] },
          undefined,
          { type: 'load', scenario: { version: 9 } }, // a later version, lacking fields
        ];
        const w = document.getElementById('cluster').contentWindow;
        for (const m of hostile) w.postMessage(m, '*');
        // Well-formed, but impossible here.
        w.postMessage({ type: 'load', scenario: { version: 2, seed: 1, nodes: 5, duration_us: 1000000,
          actions: [{ t: 0, action: 'stop', node: 99 }] } }, '*');
        w.postMessage({ type: 'act', action: { action: 'stop', node: 9 } }, '*');
        w.postMessage({ type: 'seek', t_us: -5 }, '*');
        w.postMessage({ type: 'set_speed', speed: 100 }, '*');
        return hostile.length;
      });
      await page.waitForFunction(() => document.querySelectorAll('#log li[data-type="error"]').length === 4);
      await page.sleep(500);
      const errors = await entries(page, 'error');
      assert.deepEqual(errors.map((e) => e.command), ['load', 'act', 'seek', 'set_speed']);
      assert.match(errors[0].text, /action 1 \(actions\[0\]\.node\): there is no node 99: nodes are 1 to 5 \(your current run is unchanged\)/);
      assert.match(errors[1].text, /there is no node 9/);
      assert.match(errors[2].text, /0 or later/);
      assert.match(errors[3].text, /from 0.001 to 4/);

      const warnings = await embed.evaluate(() => window.playgroundWarnings);
      assert.equal(warnings.length, sent, `one warning per ignored message:\n${warnings.join('\n')}`);
      assert.ok(warnings.every((w) => w.length < 500), 'warnings quote briefly');
      assert.match(warnings[2], /unknown variant `explode`/);
      // What is no object is told what it is (undefined was "invalid
      // type: null", an array "missing field `type`").
      assert.match(warnings[7], /a command is an object with a type, like \{"type": "pause"\}; got a string/);
      assert.match(warnings[8], /more than 1048576 characters/);
      assert.match(warnings[9], /got null$/);
      assert.match(warnings[10], /got a number or a boolean$/);
      assert.match(warnings[11], /got an array$/);
      assert.match(warnings[17], /got undefined$/);
      assert.match(warnings[18], /scenario\.version: scenario version 9 is not supported: this build reads versions 1 to 2/);
      assert.match(warnings[12], /nested more than 32 deep/);
      // A Map and a Date are named for what they are not, not as a field
      // missing from an object.
      assert.match(warnings[14], /something other than JSON data/);
      assert.match(warnings[15], /something other than JSON data/);
      assert.equal(await embed.text(labelled('Trace hash')), hash, 'the run is unchanged');
      assert.equal(await embed.text(labelled('Simulated time')), time);
      assert.match((await hostStatus(page)).text, /paused$/);
      assert.deepEqual(page.errors, []);
      assert.deepEqual(await embed.evaluate(() => window.frameErrors), [], 'no panic, no exception in the embed');

      // Still obeying afterwards.
      await post(page, { type: 'seek', t_us: 0 });
      await embed.waitFor({ ...labelled('Simulated time'), text: /^t = 0\.000 s$/ });
    }, SIZE);
  });

  test(`${kind.name}: a burst of 1,000 writes posted at once is taken in order, each answered`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await watch(page);
      const embed = await openHost(page, url);
      // Posted in one go, they reach the page together and are taken as
      // one update (Session::update_burst); a pause and an impossible
      // action among them still take effect in their place.
      await page.evaluate(() => {
        window.finished = [];
        window.order = [];
        window.addEventListener('message', (e) => {
          if (!e.data || e.data.source !== 'raft-playground') return;
          if (e.data.type === 'request_finished') window.finished.push(e.data);
          if (e.data.type === 'error' || e.data.type === 'request_finished') window.order.push(e.data.type);
        });
        const w = document.getElementById('cluster').contentWindow;
        w.postMessage({ type: 'pause' }, '*');
        for (let i = 0; i < 1000; i++) {
          w.postMessage({ type: 'act', action: { action: 'client', op: 'write', key: 'k', value: String(i) } }, '*');
        }
        w.postMessage({ type: 'act', action: { action: 'stop', node: 9 } }, '*');
        w.postMessage({ type: 'play' }, '*');
      });
      await embed.waitFor({ css: '.timeline-note', text: '1000 actions recorded' }, { timeout: 30000 });
      await page.waitForFunction(() => window.finished.length === 1000, undefined, { timeout: 60000 });
      const finished = await page.evaluate(() => window.finished);
      assert.ok(finished.every((f) => f.outcome === 'ok' && f.op.startsWith('write k=')), 'every write ok');
      assert.equal(new Set(finished.map((f) => f.client)).size, 1000, 'each its own request');
      const order = await page.evaluate(() => window.order);
      assert.equal(order[0], 'error', 'stop node 9 refused in its place, before any write finished');
      assert.equal(order.filter((t) => t === 'error').length, 1);
      assert.deepEqual(page.errors, []);
      assert.deepEqual(await embed.evaluate(() => window.frameErrors), [], 'no panic, no exception in the embed');
    }, SIZE);
  });

  // The studio, which reads the host's messages, did not load (a dropped
  // connection): the host's next message loads it again, the host hears
  // `ready`, and commands from then on are obeyed. What came before is
  // dropped, said in a warning; before, it waited without end.
  test(`${kind.name}: a studio that could not load is loaded again by the host's next message`, async () => {
    await withoutFile(DIST, 'studio_bg.wasm', (broken) => withPage(kind, broken, async ({ url, page }) => {
      await watch(page);
      await page.goto(url + '/host-example.html');
      const embed = page.frame('#cluster');
      await embed.waitFor('.playground.embed svg.cluster g.node');
      await embed.waitForFunction(() => window.playgroundWarnings.some((w) => w.includes('could not load')),
        undefined, { timeout: 30000 });
      // Still missing: the try it makes fails too, and says what it dropped.
      await post(page, { type: 'pause' });
      await embed.waitForFunction(() => window.playgroundWarnings
        .some((w) => /^raft-playground: the page's studio, .*could not load: .*; 1 message from the host dropped; /.test(w)), undefined, { timeout: 30000 });
      assert.equal(await page.count('#log li[data-type="ready"]'), 0, 'no ready without the studio');
      cpSync(join(DIST, 'studio_bg.wasm'), join(broken, 'studio_bg.wasm'));
      await post(page, { type: 'pause' });
      await page.waitFor('#log li[data-type="ready"]', { timeout: 30000 });
      await embed.waitFor({ css: '.embed-bar button.primary', text: /Play/ });
      // `ready` once, and first.
      assert.deepEqual(await page.evaluate(() => window.received.filter((t) => t !== 'clock').slice(0, 1)), ['ready']);
      assert.equal(await page.count('#log li[data-type="ready"]'), 1);
      await post(page, { type: 'act', action: { action: 'stop', node: 9 } });
      await page.waitFor({ css: '#log li[data-type="error"]', text: /9/ }, { timeout: 30000 });
      assert.deepEqual(await embed.evaluate(() => window.frameErrors.filter((e) => !/404|studio_bg/.test(e))), []);
    }, SIZE));
  });

  test(`${kind.name}: only the parent window, from the origin= origin, is obeyed`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      // Top level, the page is nobody's embed: it listens to nobody and
      // announces nothing, even to a message from itself.
      await watch(page);
      await page.goto(url + '/?embed=1&seed=3');
      await page.waitFor('.playground.embed svg.cluster g.node');
      await page.evaluate(() => window.postMessage({ type: 'pause' }, '*'));
      await page.sleep(500);
      assert.match(await page.text('.embed-bar button.primary'), /Pause/, 'still playing');
      assert.deepEqual(await page.evaluate(() => window.received), ['pause'], 'no ready, only its own message');
      assert.deepEqual(await page.evaluate(() => window.playgroundWarnings), []);

      // Framed: a sibling frame is not the parent.
      const embed = await openHost(page, url);
      await page.evaluate(() => {
        const other = document.createElement('iframe');
        other.id = 'other';
        other.src = 'host-example.css';
        document.body.append(other);
      });
      const other = page.frame('#other');
      await other.waitForFunction(() => document.readyState === 'complete' && parent !== window);
      await other.evaluate(() => parent.document.getElementById('cluster').contentWindow.postMessage({ type: 'pause' }, '*'));
      await page.sleep(700);
      assert.match(await embed.text('.embed-bar button.primary'), /Pause/, 'still playing');
      assert.match((await hostStatus(page)).text, /playing$/);
      assert.deepEqual(await embed.evaluate(() => window.playgroundWarnings), []);

      // An embed told to obey https://elsewhere.example ignores this page,
      // with a warning.
      const strict = await frameAndPlay(page, 'strict', 'origin=https://elsewhere.example');
      await strict.waitForFunction(() => window.playgroundWarnings.length === 1);
      assert.match((await strict.evaluate(() => window.playgroundWarnings))[0],
        /this embed obeys only https:\/\/elsewhere\.example/);
      assert.match(await strict.text('.embed-bar button.primary'), /Play/, 'still paused');
      // Its events go to https://elsewhere.example only: this page hears none.
      assert.equal(await page.evaluate(() => document.querySelectorAll('#log li[data-type="ready"]').length), 1);
      // A misspelt origin= obeys nobody (it used to obey everybody): this
      // page, its parent, is ignored, the console and notice say why, and
      // no event comes.
      const typo = await frameAndPlay(page, 'typo', 'origin=htps://127.0.0.1');
      await page.sleep(700);
      assert.match(await typo.text('.embed-bar button.primary'), /Play/, 'still paused');
      assert.match((await typo.evaluate(() => window.playgroundWarnings)).join(' '), /obeys no host page/);
      assert.match(await typo.text('.notice'), /no host page is obeyed/);
      assert.equal(await page.evaluate(() => document.querySelectorAll('#log li[data-type="ready"]').length), 1);
      // (A browser may log that it held back the embed's `ready` for a
      // parent of another origin: that is the point.)
      assert.deepEqual(page.errors.filter((e) => !/elsewhere\.example/.test(e)), []);
    }, SIZE);
  });
}
