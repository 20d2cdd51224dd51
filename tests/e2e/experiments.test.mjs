// The Experiments view (?view=experiments): the paper's Figure 16 runs in
// the Web Worker with a progress bar, both graphs are drawn with a line per
// timeout range, the table sets the paper's figures beside ours, and a
// trial clicked on a curve opens in the player, paused before its crash.
// Runs in Chromium and in Firefox (tests/e2e/browsers.mjs).
// Run: node --test tests/e2e/  (after scripts/build-web.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browsers, button, labelled, withPage } from './browsers.mjs';

const DIST = process.env.DIST || 'dist';

for (const kind of browsers()) {
  test(`${kind.name}: the Experiments view runs Figure 16 in the worker and opens a trial`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?view=experiments');
      const status = labelled('Experiment status');
      await page.waitFor({ ...status, text: 'Not run yet' });
      await page.click(button('Quick run: 100 trials per line'));
      await page.waitFor({ ...status, text: /of 910 trials/ });
      await page.waitFor({ ...status, text: 'Done: 910 trials' }, { timeout: 180000 });
      // The figure is drawn a line a task, the table last.
      await page.waitFor({ css: '.exp-table th', name: 'the paper (§9.3)' });

      // Both graphs, one line per timeout range: 6 on top (150–150 ms never
      // ends, so it has a legend entry and no polyline), 5 below.
      const drawn = await page.evaluate(() => [...document.querySelectorAll('svg.cdf')].map((svg) => ({
        curves: svg.querySelectorAll('g.curve').length,
        polylines: svg.querySelectorAll('g.curve polyline').length,
        legend: svg.closest('figure').querySelectorAll('.legend li').length,
      })));
      assert.deepEqual(drawn, [
        { curves: 6, polylines: 5, legend: 6 },
        { curves: 5, polylines: 5, legend: 5 },
      ]);
      await page.waitFor({ css: '.legend li', text: '150–150 ms: none of 10 ended within 60 s' });
      // The table has the paper's figures.
      await page.waitFor({ css: '.exp-table tr', text: /150–155 ms.*median 287/ });
      assert.equal(await page.count('.exp-table tbody tr'), 10);

      // A trial on the bottom graph's 12–24 ms line: open it.
      const trial = { css: 'circle.trial[aria-label^="12–24 ms median trial"]' };
      const label = await page.attr(trial, 'aria-label');
      const seed = await page.attr(trial, 'data-seed');
      assert.match(label, new RegExp(`^12–24 ms median trial: [0-9.]+ ms, seed ${seed}; open it in the player$`));
      await page.click(trial);
      await page.waitFor(labelled('Trace hash'));
      assert.equal(await page.value(labelled('Seed')), seed);
      await page.waitFor(button('Play')); // paused, just before the crash
      assert.doesNotMatch(await page.url(), /view=experiments/);
      // Within a simulated second the leader is stopped and another elected.
      await page.click(button('Skip 1 simulated second'));
      await page.waitFor({ css: '.event-log li', text: /action: stop \d/ });
      await page.waitFor({ css: '.event-log li', text: /became leader for term [2-9]/ });
      assert.deepEqual(page.errors, []);
    });
  });
}

// The view lives in the studio, the page's second wasm module: the player
// does not fetch it, the Experiments button does, and going back and forth
// keeps the view's state.
for (const kind of browsers()) {
  test(`${kind.name}: the studio loads only when the Experiments view opens`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/');
      await page.waitFor(labelled('Trace hash'));
      const loaded = () => page.evaluate(() => ({
        studio: typeof window.__raftStudio,
        scripts: [...document.scripts].map((s) => s.src).filter((s) => /studio/.test(s)).length,
      }));
      assert.deepEqual(await loaded(), { studio: 'undefined', scripts: 0 });

      await page.click(button('Experiments'));
      const status = labelled('Experiment status');
      await page.waitFor({ ...status, text: 'Not run yet' });
      assert.deepEqual(await loaded(), { studio: 'object', scripts: 2 });
      assert.match(await page.url(), /view=experiments/);
      assert.equal(await page.count('.playground'), 0);

      await page.click(button('← Back to the player'));
      await page.waitFor(labelled('Trace hash'));
      assert.equal(await page.evaluate(() => document.getElementById('studio').hidden), true);
      assert.doesNotMatch(await page.url(), /view=experiments/);

      await page.click(button('Experiments'));
      await page.waitFor({ ...status, text: 'Not run yet' });
      assert.equal(await page.evaluate(() => document.getElementById('studio').hidden), false);
      assert.equal(await page.count('.experiments-page'), 1);
      assert.deepEqual(page.errors, []);
    });
  });
}
