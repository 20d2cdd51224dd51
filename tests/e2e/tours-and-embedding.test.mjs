// End to end: every guided tour plays to its end; the example blog page
// embeds two playgrounds; the Embed snippet reproduces the run; a scenario
// file loads; and the page keeps to its strict Content-Security-Policy,
// fetching nothing but its own files. Every test runs in Chromium and in
// Firefox (tests/e2e/browsers.mjs).
// Run: node --test tests/e2e/  (after scripts/build-web.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browsers, button, labelled, watchCsp, withPage } from './browsers.mjs';

const DIST = process.env.DIST || 'dist';
const SHOTS = process.env.SCREENSHOTS || 'target/screenshots';

const stepLabel = (page) => page.text('.tour-step');

/** Skips the rest of a stretch still playing: checked and pressed in one
 *  task of the page, since a second → after the stretch ended on its own
 *  would turn a page too far (a race seen once in Firefox). */
const skipIfPlaying = (page) => page.evaluate(() => {
  if (!document.querySelector('.tour-step').textContent.startsWith('playing')) return;
  document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
});

for (const kind of browsers()) {
  test(`${kind.name}: every guided tour runs to its end`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await watchCsp(page);
      await page.goto(url + '/?paused=1');
      await page.waitFor('select[aria-label="Guided tour"]', { state: 'attached' });
      const ids = await page.evaluate(() => [...document.querySelectorAll('select[aria-label="Guided tour"] option')]
        .map((o) => o.value).filter((v) => v));
      assert.equal(ids.length, 15, `tours in the menu: ${ids}`);
      for (const id of ids) {
        await page.goto(`${url}/?tour=${id}`);
        await page.waitFor({ css: '.tour-step', text: 'step 1 of' });
        const total = Number((await stepLabel(page)).match(/of (\d+)/)[1]);
        const texts = [await page.text('.tour-text')];
        for (let step = 2; step <= total; step++) {
          await page.press('ArrowRight');
          // Let it play a little, then skip the rest of the stretch.
          await page.sleep(150);
          await skipIfPlaying(page);
          await page.waitFor({ css: '.tour-step', text: new RegExp(`^step ${step} of ${total}$`) });
          texts.push(await page.text('.tour-text'));
        }
        assert.equal(new Set(texts).size, total, `${id}: each step has its own words`);
        const at = await page.url();
        assert.ok(at.endsWith(`tour=${id}&step=${total}`), `linkable: ${at}`);
        assert.equal(await page.count('.tour-note'), 0, `${id}: the run is the tour's`);
        if (id === 'minority-leader' || id === 'deaf-leader') await page.screenshot(`${SHOTS}/${kind.name}-tour-${id}.png`);
      }
      // Back with ← returns to the previous step; a link opens a given step.
      await page.press('ArrowLeft');
      await page.waitFor({ css: '.tour-step', text: /^step \d+ of \d+$/ });
      await page.goto(`${url}/?tour=split-vote&step=3`);
      await page.waitFor({ css: '.tour-step', text: /^step 3 of / });
      // The safety panel says why the reads tour's lease broke: on purpose.
      await page.goto(`${url}/?tour=reads-without-the-log&step=6`);
      await page.waitFor({ css: '.violation-cause', text: /^Broken on purpose: n3's clock was set to run -50% at 1\.300 s, with no drift allowed for\./ });
      await page.goto(`${url}/?tour=no-such-tour`);
      await page.waitFor({ css: '.notice', text: "there is no tour 'no-such-tour'" });
      assert.deepEqual(page.errors, []);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    });
  });

  test(`${kind.name}: the example page embeds two live playgrounds inside prose`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/embed-example.html');
      const frames = ['#split-vote', '#minority-leader'].map((id) => page.frame(id));
      for (const frame of frames) {
        await frame.waitFor('.playground.embed svg.cluster g.node');
        assert.equal(await frame.count('.side'), 0, 'compact: no side panels');
        await frame.waitFor(labelled('Timeline'));
      }
      // The first is a tour that steps inside its frame.
      await frames[0].click(button('Next →'));
      await frames[0].click(button('Skip ahead →'));
      await frames[0].waitFor({ css: '.tour-step', text: 'step 2 of' });
      // The second is a scenario: seven actions marked on its timeline.
      assert.equal(await frames[1].count('.tmark.mark-request') >= 4, true);
      await page.screenshot(`${SHOTS}/${kind.name}-embed-example.png`, { fullPage: true });
      assert.deepEqual(page.errors, []);
    }, { width: 1000, height: 1500 });
  });

  test(`${kind.name}: the Embed snippet and a scenario file reproduce a run`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=3&paused=1');
      await page.click(button('Skip 1 simulated second'));
      await page.click(button('Isolate leader'));
      await page.click(button('Skip 1 simulated second'));
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 2\.000 s$/ }, { timeout: 5000 });
      const hash = await page.text(labelled('Trace hash'));
      await page.click(button('Embed'));
      const snippet = await page.value(labelled('Embed code'));
      const src = snippet.match(/src="([^"]+)"/)[1].replaceAll('&amp;', '&');
      assert.ok(src.startsWith(`${url}/?embed=1#`), src);

      // The same run from a file; a file that is not a scenario is refused
      // and the run is kept.
      const example = readFileSync('docs/examples/minority-leader.json');
      const file = labelled('Scenario file');
      await page.setInputFile(file, { name: 'bad.json', buffer: Buffer.from('{"version":1,"nodes":-3}') });
      await page.waitFor({ css: '.share .form-error', text: 'your current run is unchanged' });
      assert.equal(await page.text(labelled('Trace hash')), hash);
      await page.setInputFile(file, { name: 'minority-leader.json', buffer: example });
      await page.waitForFunction(() => document.querySelector('input.seed').value === '7');
      assert.equal((await page.text(labelled('Simulated time'))).trim(), 't = 0.000 s');
      assert.equal(await page.count('.tmark.mark-request'), 5);

      // The Embed snippet's address, opened at an embed's size, gives the
      // same run: the same trace hash at the same moment.
      await page.setViewport({ width: 700, height: 460 });
      await page.goto(src);
      await page.waitFor('.playground.embed');
      // A shared run opens paused where its sender was; older builds played
      // it from the start.
      if (await page.count(button('Pause')) > 0) await page.click(button('Pause'));
      await page.setValue(labelled('Timeline'), '2000');
      await page.waitFor({ ...labelled('Trace hash'), text: hash.trim() }, { timeout: 5000 });
      assert.equal(await page.text(labelled('Trace hash')), hash);

      // A tour's long step in a 320x240 embed scrolls in its box and
      // leaves the picture in sight (it used to fill the whole frame).
      await page.setViewport({ width: 320, height: 240 });
      await page.goto(url + '/?embed=1&tour=figure-8&step=5');
      await page.waitFor({ css: '.tour-text', text: /^\(c\) n3 got x=A/ });
      const seen = await page.evaluate(() => {
        const box = (css) => document.querySelector(css).getBoundingClientRect();
        return { picture: box('.picture').top, text: box('.tour-text').height, inner: innerHeight };
      });
      assert.ok(seen.picture < seen.inner * 0.65, JSON.stringify(seen));
      assert.ok(seen.text < seen.inner * 0.3, JSON.stringify(seen));

      // At the embed snippet's 460 px in a blog column, the step sits
      // beside the cluster: the cluster gets the height the bar leaves
      // (stacked, it had 160 px), and Back/Next stay in the frame.
      await page.setViewport({ width: 700, height: 460 });
      await page.goto(url + '/?embed=1&tour=figure-8&step=5');
      await page.waitFor({ css: '.tour-text', text: /^\(c\) n3 got x=A/ });
      const wide = await page.evaluate(() => {
        const box = (css) => document.querySelector(css).getBoundingClientRect();
        const next = [...document.querySelectorAll('.tour-buttons button')].pop().getBoundingClientRect();
        return { cluster: box('svg.cluster').height, tourRight: box('.tour').right, pictureLeft: box('.picture').left,
          next: next.bottom, timeline: box('.timeline').bottom, inner: innerHeight };
      });
      assert.ok(wide.cluster >= 280, JSON.stringify(wide));
      assert.ok(wide.tourRight <= wide.pictureLeft, JSON.stringify(wide));
      assert.ok(wide.next <= wide.inner && wide.timeline <= wide.inner, JSON.stringify(wide));
      // Opening "Logs and events" scrolls the frame: the cluster keeps its
      // 10rem and the step its buttons, inside its own box.
      await page.click('summary');
      await page.waitFor('.embed-more[open] .log-table');
      const opened = await page.evaluate(() => {
        const box = (css) => document.querySelector(css).getBoundingClientRect();
        return { cluster: box('svg.cluster').height, tour: box('.tour').bottom, next: box('.tour-buttons').bottom };
      });
      assert.ok(opened.cluster >= 150 && opened.next <= opened.tour, JSON.stringify(opened));
      // A run that breaks a rule on purpose says so above the cluster.
      await page.goto(url + '/?embed=1&tour=single-server-change-bug&step=3');
      await page.waitFor('.unsafe-warning');
      const warned = await page.evaluate(() => ({
        warning: document.querySelector('.unsafe-warning').getBoundingClientRect().bottom,
        cluster: document.querySelector('svg.cluster').getBoundingClientRect().top,
      }));
      assert.ok(warned.warning <= warned.cluster, JSON.stringify(warned));
      assert.deepEqual(page.errors, []);
    });
  });

  test(`${kind.name}: an embed's way out to the full playground opens at the moment on screen`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?embed=1&seed=2');
      await page.waitFor('g.node[data-role=leader]', { timeout: 20000 });
      // The link is drawn with the bar (play, speed); the run has moved on
      // since, so a click must write the link of this moment.
      const drawn = await page.attr('a.open-full', 'href');
      await page.evaluate(() => document.addEventListener('click', (e) => {
        const a = e.target.closest && e.target.closest('a.open-full');
        if (a) { window.openedHref = a.getAttribute('href'); e.preventDefault(); }
      }));
      await page.click('a.open-full');
      const opened = await page.waitForFunction(() => window.openedHref);
      assert.match(opened, /#r=/, opened);
      assert.notEqual(opened, drawn, 'the link names the moment of the click, not of the last draw');
      assert.equal(await page.attr('#app', 'href'), null, 'nothing else took the link');
      assert.deepEqual(page.errors, []);
    });
  });

  // A 360x300 embed drew its cluster in 122 px of 300: the bar, the link
  // and the timeline took the rest. They are one tight row each now.
  test(`${kind.name}: a small embed gives the picture the room`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?embed=1&seed=2');
      await page.waitFor('g.node');
      const box = await page.evaluate(() => {
        const rect = (css) => document.querySelector(css).getBoundingClientRect();
        const bar = [...document.querySelectorAll('.embed-bar > *')].filter((el) => el.getBoundingClientRect().height);
        return {
          picture: rect('.embed .picture').height,
          view: window.innerHeight,
          // One row: every part's middle is within the first part's height.
          rows: bar.some((el) => {
            const [first, r] = [bar[0].getBoundingClientRect(), el.getBoundingClientRect()];
            const middle = (r.top + r.bottom) / 2;
            return middle < first.top || middle > first.bottom;
          }) ? 2 : 1,
          link: rect("a.open-full").width,
          width: window.innerWidth,
        };
      });
      assert.ok(box.picture >= 0.5 * box.view, JSON.stringify(box));
      assert.equal(box.rows, 1, `the bar is one row: ${JSON.stringify(box)}`);
      assert.ok(box.link > 0, 'the way out is there');
      assert.deepEqual(page.errors, []);
    }, { width: 360, height: 300 });
  });

  // At 320x240 a long notice (here a wrong origin=, the one an embed's
  // author most needs to read) ran on over "Logs and events" and out of
  // the frame: its box shrank to a line. It scrolls in its own box now,
  // the frame scrolls to the rest, and the bar is still one row.
  test(`${kind.name}: a 320x240 embed draws nothing over anything`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?embed=1&seed=2&nodes=12&load=-1&origin=htps://blog.example');
      await page.waitFor({ css: '.notice', text: 'ignored origin=htps://blog.example' });
      const box = await page.evaluate(() => {
        const rect = (css) => document.querySelector(css).getBoundingClientRect();
        const notice = document.querySelector('.notice');
        const bar = [...document.querySelectorAll('.embed-bar > *')].filter((el) => el.getBoundingClientRect().height);
        return {
          noticeBottom: rect('.notice').bottom,
          moreTop: rect('.embed-more').top,
          // Text taller than its box is only drawn if the box scrolls.
          spills: notice.scrollHeight > notice.clientHeight && getComputedStyle(notice).overflowY === 'visible',
          scrolls: notice.scrollHeight > notice.clientHeight,
          barTops: bar.map((el) => Math.round(el.getBoundingClientRect().top)),
          barHeight: rect('.embed-bar').height,
        };
      });
      assert.ok(box.noticeBottom <= box.moreTop, `the notice ends above "Logs and events": ${JSON.stringify(box)}`);
      assert.ok(!box.spills, `the notice's text stays in its box: ${JSON.stringify(box)}`);
      assert.ok(box.scrolls, `so long a notice scrolls at this size: ${JSON.stringify(box)}`);
      assert.ok(box.barHeight < 40, `the bar is one row: ${JSON.stringify(box)}`);
      assert.deepEqual(page.errors, []);
    }, { width: 320, height: 240 });
  });

  // On a laptop's screen a tour's step, the cluster and the timeline (the
  // tour's clock) are all in view at once: the picture gives the step room.
  test(`${kind.name}: at 1280x800 a tour step leaves the timeline in view`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?tour=figure-8&step=3');
      await page.waitFor({ css: '.tour-step', text: 'step 3 of' });
      await page.waitFor('g.node');
      const box = await page.evaluate(() => ({
        timeline: document.querySelector('.timeline .track').getBoundingClientRect().bottom,
        cluster: document.querySelector('svg.cluster').getBoundingClientRect().height,
        view: window.innerHeight,
      }));
      assert.ok(box.timeline <= box.view, `the timeline's track is in view: ${JSON.stringify(box)}`);
      assert.ok(box.cluster >= 256, `the cluster keeps 16rem at least: ${JSON.stringify(box)}`);
      assert.deepEqual(page.errors, []);
    }, { width: 1280, height: 800 });
  });

  // Each step forward is an entry in the browser's history: Back (a
  // phone's back gesture) returns to the step before instead of leaving
  // the page, and Forward goes on again.
  test(`${kind.name}: the browser's Back and Forward move through a tour's steps`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?tour=split-vote');
      await page.waitFor({ css: '.tour-step', text: 'step 1 of' });
      for (const step of [2, 3]) {
        await page.press('ArrowRight');
        await page.sleep(150);
        await skipIfPlaying(page);
        await page.waitFor({ css: '.tour-step', text: new RegExp(`^step ${step} of`) });
      }
      await page.evaluate(() => history.back());
      await page.waitFor({ css: '.tour-step', text: /^step 2 of/ });
      assert.match(await page.url(), /tour=split-vote&step=2$/);
      await page.evaluate(() => history.back());
      await page.waitFor({ css: '.tour-step', text: /^step 1 of/ });
      await page.evaluate(() => history.forward());
      await page.sleep(150);
      await skipIfPlaying(page);
      await page.waitFor({ css: '.tour-step', text: /^step 2 of/ });
      assert.match(await page.url(), /tour=split-vote&step=2$/);
      // The tour's own Back goes Back in the history too: Forward then
      // returns to step 2 (it used to rewrite step 2's entry as step 1,
      // and Forward skipped to step 3).
      await page.click(button('← Back'));
      await page.waitFor({ css: '.tour-step', text: /^step 1 of/ });
      await page.evaluate(() => history.forward());
      await page.sleep(150);
      await skipIfPlaying(page);
      await page.waitFor({ css: '.tour-step', text: /^step 2 of/ });
      // Ended, the tour's run is an entry of its own, as a link: Back
      // brings the tour back at the step it was ended on (it went to the
      // step before), and Forward the ended run, its entry as written (a
      // review saw it overwritten).
      await page.click(button('End the tour'));
      await page.waitForFunction(() => location.hash.startsWith('#r='), undefined, { timeout: 5000 });
      const ended = await page.url();
      await page.evaluate(() => history.back());
      await page.waitFor({ css: '.tour-step', text: /^step 2 of/ });
      await page.evaluate(() => history.forward());
      await page.waitForFunction(() => document.querySelector('.tour-step') === null, undefined, { timeout: 5000 });
      await page.sleep(300);
      assert.equal(await page.url(), ended);
      assert.deepEqual(page.errors, []);
    });
  });

  // A tour opened by a shared link is the site's first entry: Back after
  // "End the tour" is that tour at its step, not the page before the site
  // (a page tester left the site this way).
  test(`${kind.name}: Back after ending a tour a link opened stays on the site`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?tour=split-vote&step=3');
      await page.waitFor({ css: '.tour-step', text: /^step 3 of/ });
      await page.click(button('End the tour'));
      await page.waitForFunction(() => location.hash.startsWith('#r='), undefined, { timeout: 5000 });
      await page.evaluate(() => history.back());
      await page.waitFor({ css: '.tour-step', text: /^step 3 of/ });
      assert.match(await page.url(), /\/\?tour=split-vote&step=3$/);
      assert.deepEqual(page.errors, []);
    });
  });

  test(`${kind.name}: the page keeps to its strict CSP and fetches only its own files`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await watchCsp(page);
      await page.goto(url + '/?seed=2');
      await page.waitFor('g.node[data-role=leader]', { timeout: 20000 });
      await page.click(button('Share this run'));
      await page.click(button('Embed'));
      await page.press('?');
      await page.waitFor({ css: '[role=dialog]', name: 'Keyboard shortcuts' });
      const csp = await page.attr('meta[http-equiv="Content-Security-Policy"]', 'content');
      assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
      assert.match(csp, /style-src 'self';/);
      assert.match(csp, /worker-src 'self';/);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
      const foreign = page.requests.filter((u) => !u.startsWith(url + '/') && !u.startsWith('data:'));
      assert.deepEqual(foreign, [], 'no requests beyond its own files');
      assert.ok(page.requests.some((u) => u.endsWith('.wasm')), `the requests were seen: ${page.requests}`);
      // The Web Worker's wasm loads only when a job starts ("What if…").
      assert.deepEqual(page.requests.filter((u) => /worker/.test(u)), [], 'no worker fetched at load');
      assert.deepEqual(page.errors, []);
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
}
