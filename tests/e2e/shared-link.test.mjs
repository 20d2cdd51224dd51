// A shared link opens where its sender was: the run replayed to the moment
// of sharing, paused there, with the same trace hash the sender saw and the
// run so far on the timeline; "Replay from the start" and ?autoplay=1 play
// it from time 0. Runs in Chromium and in Firefox (tests/e2e/browsers.mjs).
// Run: node --test tests/e2e/  (after scripts/build-web.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browsers, button, labelled, withPage } from './browsers.mjs';

const DIST = process.env.DIST || 'dist';

for (const kind of browsers()) {
  test(`${kind.name}: a shared link opens paused at its moment with the sender's hash`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      // The sender: a paused run with background load, moved on by hand,
      // with a partition in it.
      await page.goto(url + '/?seed=9&paused=1&load=5');
      for (let i = 0; i < 2; i++) await page.click(button('Skip 1 simulated second'));
      await page.click(button('Isolate leader'));
      await page.click(button('Skip 1 simulated second'));
      await page.waitFor({ ...labelled('Simulated time'), text: 't = 3.000 s' });
      const hash = await page.text(labelled('Trace hash'));
      await page.click(button('Share this run'));
      const link = await page.value(labelled('Link to this run'));
      assert.match(link, /#r=[A-Za-z0-9_-]+$/);
      // The JSON download follows once the studio, which writes JSON, is
      // there: the run as it was shared, even if it moved on meanwhile.
      await page.click(button('Skip 1 simulated second'));
      const json = decodeURIComponent((await page.attr('a.download', 'href')).split(',').slice(1).join(','));
      assert.equal(JSON.parse(json).seed, 9);
      assert.equal(JSON.parse(json).cursor_us, 3000000, 'the shared moment');

      // The reader opens the link in a fresh page load.
      await page.goto('about:blank');
      await page.goto(link);
      await page.waitFor({ ...labelled('Simulated time'), text: 't = 3.000 s' });
      assert.equal(await page.text(labelled('Trace hash')), hash);
      await page.waitFor(button('Play')); // paused
      const timeline = labelled('Timeline');
      assert.equal(await page.attr(timeline, 'max'), '3000');
      assert.equal(await page.value(timeline), '3000');
      // The event log holds what happened before the moment.
      await page.lookAt('.event-log');
      await page.waitFor({ css: '.event-log li', text: /action: n\d cut off from the rest/ });

      // Replay from the start: back to 0, playing.
      await page.click(button('Replay from the start'));
      await page.waitFor(button('Pause'));
      const restarted = await page.value(timeline);
      assert.ok(Number(restarted) < 3000, `timeline at ${restarted} after replaying from the start`);

      // ?autoplay=1 plays a shared link from its start instead. (The link
      // keeps the sender's query, here paused=1, which would pause it.)
      const autoplay = new URL(link);
      autoplay.searchParams.delete('paused');
      autoplay.searchParams.set('autoplay', '1');
      await page.goto('about:blank');
      await page.goto(autoplay.href);
      await page.waitFor(button('Pause'));
      assert.deepEqual(page.errors, []);
    });
  });
}

// The oldest links (#s=, base64url JSON) open too: the page holds the link
// until its second module, the studio, which reads JSON, is loaded. The
// same run as the tour's #z= link: the same trace hash a second in.
for (const kind of browsers()) {
  test(`${kind.name}: an #s= JSON link opens once the studio is there, as its #z= twin`, async () => {
    const corpus = readFileSync('tests/compat/links.tsv', 'utf8').split('\n');
    const link = (name) => corpus.find((l) => l.startsWith(`${name}\t`)).split('\t')[1];
    await withPage(kind, DIST, async ({ url, page }) => {
      const hashAfterASecond = async (fragment) => {
        await page.goto('about:blank');
        await page.goto(`${url}/?paused=1#${fragment}`);
        // The tour's seed, once the link's run is on screen.
        for (let i = 0; (await page.value(labelled('Seed'))) !== '4'; i++) {
          assert.ok(i < 200, 'the link did not open within 10 s');
          await page.sleep(50);
        }
        await page.click(button('Skip 1 simulated second'));
        await page.waitFor({ ...labelled('Simulated time'), text: 't = 1.000 s' });
        return page.text(labelled('Trace hash'));
      };
      const binary = await hashAfterASecond(link('tour-figure-8'));
      assert.equal(await page.evaluate(() => typeof window.__raftStudio), 'undefined');
      const json = await hashAfterASecond(link('tour-figure-8-json'));
      assert.equal(await page.evaluate(() => typeof window.__raftStudio), 'object');
      assert.equal(json, binary);
      assert.deepEqual(page.errors, []);
    });
  });
}
