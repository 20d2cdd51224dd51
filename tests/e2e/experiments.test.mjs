// The Experiments view (?view=experiments): the paper's Figure 16 runs in
// the Web Worker with a progress bar, both graphs are drawn with a line per
// timeout range, the table sets the paper's figures beside ours, and a
// trial clicked on a curve opens in the player, paused before its crash.
// The PreVote/CheckQuorum comparison runs in a worker too, draws a group
// of bars per combination beside the README's figures, and a group clicked
// opens its median seed in the player, paused before the first cut.
// Runs in Chromium and in Firefox (tests/e2e/browsers.mjs).
// Run: node --test tests/e2e/  (after scripts/build-web.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browsers, button, labelled, withPage } from './browsers.mjs';

const DIST = process.env.DIST || 'dist';
const SHOTS = process.env.SCREENSHOTS || 'target/screenshots';

for (const kind of browsers()) {
  test(`${kind.name}: the Experiments view runs Figure 16 in the worker and opens a trial`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?view=experiments');
      const status = labelled('Experiment status');
      await page.waitFor({ ...status, text: 'Not run yet' });
      await page.click(button('Quick run: 100 trials per line'));
      // The status is said once; the count beside the bar moves.
      await page.waitFor({ ...status, text: 'Running 910 trials in the worker…' });
      await page.waitFor({ css: '.exp-count', text: /of 910 trials/ });
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

      // Pointing beside a trial (not on its dot) reads it out.
      const near = await page.evaluate(() => {
        const circle = document.querySelectorAll('svg.cdf')[1].querySelector('circle.trial');
        circle.scrollIntoView({ block: 'center' });
        const dot = circle.getBoundingClientRect();
        const x = dot.left + dot.width / 2 + 6, y = dot.top + dot.height / 2 + 2;
        document.elementFromPoint(x, y).dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: x, clientY: y }));
        return true;
      });
      assert.equal(near, true);
      await page.waitFor({ css: '.readout', text: /nearest trial: .*seed \d+/ });

      // A finger's tap (no hover on a touch screen) only reads the graph;
      // a second tap on the same trial opens it. Back: the results again.
      const tap = () => page.evaluate(() => {
        const circle = document.querySelectorAll('svg.cdf')[0].querySelector('circle.trial');
        const dot = circle.getBoundingClientRect();
        const x = dot.left + dot.width / 2 + 6, y = dot.top + dot.height / 2 + 2;
        const at = document.elementFromPoint(x, y);
        const touch = { bubbles: true, clientX: x, clientY: y, pointerType: 'touch' };
        at.dispatchEvent(new PointerEvent('pointerdown', touch));
        at.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: y }));
        return at.tagName;
      });
      assert.notEqual(await tap(), 'circle', 'beside the dot, not on it');
      await page.waitFor({ css: '.readout', text: /nearest trial: .*seed \d+/ });
      assert.equal(await page.count('svg.cdf'), 2, 'one tap only reads');
      await tap();
      await page.waitFor(labelled('Trace hash'));
      await page.evaluate(() => history.back());
      await page.waitFor({ ...status, text: 'Done: 910 trials' });

      // A trial on the bottom graph's 12–24 ms line: open it.
      const trial = { css: 'circle.trial[aria-label^="12–24 ms median trial"]' };
      const label = await page.attr(trial, 'aria-label');
      const seed = await page.attr(trial, 'data-seed');
      assert.match(label, new RegExp(`^12–24 ms median trial: [0-9.]+ ms, seed ${seed}; open it in the player$`));
      await page.click(trial);
      await page.waitFor(labelled('Trace hash'));
      assert.equal(await page.value(labelled('Seed')), seed);
      await page.waitFor(button('Play')); // paused, just before the crash
      // The notice line says which trial this is, as news.
      await page.waitFor({ css: '.notice.news', text: new RegExp(`^Figure 16, the 12–24 ms line, trial \\d+ of 100 \\(seed ${seed}\\): paused just before the leader crashes`) });
      await page.screenshot(`${SHOTS}/${kind.name}-trial-opened.png`);
      assert.doesNotMatch(await page.url(), /view=experiments/);
      // Back from the trial: the results, as they were; Forward: the trial.
      await page.evaluate(() => history.back());
      await page.waitFor({ ...status, text: 'Done: 910 trials' });
      assert.equal(await page.count('svg.cdf'), 2);
      // The results' entry keeps its own address: the trial's link was
      // written over it as a job's progress came in there (a tester).
      await page.click(button('Quick run: 40 seeds per combination'));
      await page.waitFor({ ...labelled('Comparison status'), text: /^Done/ }, { timeout: 120000 });
      assert.equal(await page.evaluate(() => location.search + location.hash), '?view=experiments');
      await page.evaluate(() => history.forward());
      await page.waitFor(labelled('Trace hash'));
      assert.equal(await page.value(labelled('Seed')), seed);
      // Within a simulated second the leader is stopped and another elected.
      await page.click(button('Skip 1 simulated second'));
      await page.lookAt('.event-log');
      await page.waitFor({ css: '.event-log li', text: /action: stop n\d/ });
      await page.waitFor({ css: '.event-log li', text: /became leader for term [2-9]/ });
      assert.deepEqual(page.errors, []);
      // The studio's and the worker's loaders start wasm-bindgen as 0.2.130
      // asks (www/studio-start.js, scripts/worker-loader.mjs).
      assert.deepEqual(page.warnings.filter((w) => /deprecated/.test(w)), []);
    });
  });
}

// On a phone (375 px) the graphs' labels overlapped (the "0%" and "10" at
// the corner, "given up at 60 s" on a line's 100% dot) and the table's
// notes wrapped in a narrow column into rows up to 190 px tall, the figures
// scrolled out of sight: the labels keep apart, and the table stacks a card
// per row within the width.
for (const kind of browsers()) {
  test(`${kind.name}: at a phone's 360 px Figure 16's labels keep apart, its legends fit and its table stacks`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?view=experiments');
      await page.click(button('Quick run: 100 trials per line'));
      await page.waitFor({ ...labelled('Experiment status'), text: 'Done: 910 trials' }, { timeout: 180000 });
      await page.waitFor({ css: '.fig16-table tbody tr', nth: 9 });
      const seen = await page.evaluate(() => {
        const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        // A shape's box in the drawing (turned with the give-up label):
        // its getBBox, which Chromium and Firefox agree on, unlike their
        // client rectangles of a text (Firefox's are wider).
        const box = (e) => {
          const b = e.getBBox(), m = e.getCTM();
          const xs = [], ys = [];
          for (const [x, y] of [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]]) {
            xs.push(m.a * x + m.c * y + m.e);
            ys.push(m.b * x + m.d * y + m.f);
          }
          return { left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys) };
        };
        const overlaps = [];
        for (const svg of document.querySelectorAll('svg.cdf')) {
          const texts = [...svg.querySelectorAll('text')].map((t) => [t.textContent, box(t)]);
          const dots = [...svg.querySelectorAll('circle.trial')].map((c) => [c.getAttribute('aria-label'), box(c)]);
          texts.forEach(([a, ra], i) => {
            for (const [b, rb] of [...texts.slice(i + 1), ...dots]) if (hit(ra, rb)) overlaps.push(`${a} / ${b}`);
          });
        }
        // A legend's entry stays inside its list ("none of 10 ended within
        // 60 s" ran 8 px past it at 360 px, a page tester saw).
        const legends = [...document.querySelectorAll('.legend li')]
          .filter((li) => li.getBoundingClientRect().right > li.parentElement.getBoundingClientRect().right + 0.5)
          .map((li) => li.textContent);
        const wrap = document.querySelector('.exp-table-wrap');
        const rows = [...document.querySelectorAll('.fig16-table tbody tr')];
        const card = rows[0].getBoundingClientRect();
        return {
          overlaps,
          legends,
          sideways: wrap.scrollWidth - wrap.clientWidth,
          // A card's cells: its range and its note span it, as wide as it.
          note: Math.round(rows[0].querySelector('td.note').getBoundingClientRect().width / card.width * 10) / 10,
          // Its heading drawn above it (Firefox gives the content unresolved).
          label: ((td) => [td.dataset.label, getComputedStyle(td, '::before').content !== 'none'])(rows[0].querySelector('td.num')),
        };
      });
      assert.deepEqual(seen.overlaps, []);
      assert.deepEqual(seen.legends, []);
      assert.equal(seen.sideways, 0, 'the table fits the phone');
      assert.equal(seen.note, 1, 'the note runs across its card');
      assert.deepEqual(seen.label, ['trials', true], "each figure under its column's heading");
      assert.deepEqual(page.errors, []);
    }, { width: 360, height: 700 });
  });
}

// Switching views is a step in the browser's history: Back returns to the
// view before, not to the site before (it left the page, and its results).
for (const kind of browsers()) {
  test(`${kind.name}: Back and Forward move between the player and the Experiments view`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?paused=1&seed=5');
      await page.waitFor(labelled('Trace hash'));
      await page.click(button('Experiments'));
      await page.waitFor({ ...labelled('Experiment status'), text: 'Not run yet' });
      assert.match(await page.url(), /\?paused=1&seed=5&view=experiments$/);
      await page.evaluate(() => history.back());
      await page.waitFor(labelled('Trace hash'));
      assert.match(await page.url(), /\?paused=1&seed=5$/);
      assert.equal(await page.value(labelled('Seed')), '5', 'the same run');
      await page.evaluate(() => history.forward());
      await page.waitFor({ ...labelled('Experiment status'), text: 'Not run yet' });
      assert.match(await page.url(), /view=experiments$/);

      // A run the person moved on: Back from the view reopens it, at its
      // moment (a fresh run of the entry's seed opened, a page tester).
      await page.goto(url + '/?paused=1&seed=5');
      await page.click(button('Skip 1 simulated second'));
      await page.waitFor({ ...labelled('Simulated time'), text: 't = 1.000 s' });
      await page.click(button('Isolate leader'));
      await page.waitFor({ css: '.timeline-note', text: '1 action recorded' });
      const hash = await page.text(labelled('Trace hash'));
      await page.click(button('Experiments'));
      await page.waitFor({ ...labelled('Experiment status'), text: 'Not run yet' });
      await page.evaluate(() => history.back());
      await page.waitFor({ css: '.timeline-note', text: '1 action recorded' });
      assert.equal(await page.text(labelled('Simulated time')), 't = 1.000 s');
      assert.equal(await page.text(labelled('Trace hash')), hash);
      assert.deepEqual(page.errors, []);
    });
  });

  // Keyboard only: Enter on a run's button keeps the focus there (it
  // greys, it is not disabled, which dropped the focus to the body), and
  // Cancel, which vanishes, hands the focus to the row's first choice.
  test(`${kind.name}: the Experiments view keeps the focus through a run and its Cancel`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?view=experiments');
      await page.waitFor({ ...labelled('Experiment status'), text: 'Not run yet' });
      const focused = () => page.evaluate(() => {
        const e = document.activeElement;
        return `${e.tagName} ${e.className} ${e.textContent} ${e.getAttribute('aria-disabled')}`;
      });
      await page.evaluate(() => [...document.querySelectorAll('.exp-setting button')]
        .find((b) => b.textContent.startsWith("The paper's counts")).focus());
      await page.press('Enter');
      await page.waitFor({ css: '.experiments > .exp-controls .cancel' });
      // Named for what it stops: the comparison's Cancel is another.
      assert.equal(await page.attr('.experiments > .exp-controls .cancel', 'aria-label'), 'Cancel Figure 16');
      assert.match(await focused(), /^BUTTON\s+The paper's counts: 1,000 per line true$/);
      await page.press('Enter'); // pressed again while it runs: nothing new
      await page.evaluate(() => document.querySelector('.experiments > .exp-controls .cancel').focus());
      await page.press('Enter');
      await page.waitFor({ ...labelled('Experiment status'), text: 'Cancelled' });
      assert.match(await focused(), /^BUTTON\s+Quick run: 100 trials per line null$/);
      assert.deepEqual(page.errors, []);
    });
  });

  // The view has no notice line: what the address asked and could not be
  // had is said at its top (it said nothing), and gone once in the player.
  test(`${kind.name}: the Experiments view says what its address asked that was ignored`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?view=experiments&nodse=3');
      await page.waitFor({ ...labelled('Experiment status'), text: 'Not run yet' });
      const report = await page.text('.address-report');
      assert.match(report, /nodse=3: did you mean nodes=\?/);
      await page.click(button('← Back to the player'));
      await page.waitFor(labelled('Trace hash'));
      assert.equal(await page.count('.address-report'), 0);
      // The focus is back on the way there, not on the page's body.
      assert.ok(await page.evaluate(() => document.activeElement.classList.contains('to-experiments')));
      assert.deepEqual(page.errors, []);
    });
  });
}

for (const kind of browsers()) {
  test(`${kind.name}: the PreVote/CheckQuorum comparison draws four groups of bars and opens a median seed`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?view=experiments');
      const status = labelled('Comparison status');
      await page.waitFor({ ...status, text: 'Not run yet' });
      await page.click(button('Quick run: 40 seeds per combination'));
      await page.waitFor({ ...status, text: 'Running 160 runs in the worker…' });
      await page.waitFor({ css: '.exp-count', text: /of 160 runs of 60 s done/ });
      await page.waitFor({ ...status, text: 'Done: 160 runs' }, { timeout: 180000 });
      // The sentence on the difference comes once all four are drawn.
      await page.waitFor({ css: '.exp-difference', text: "the README's 1,000 seeds" });

      // A group per combination, in the README's order, each with its two
      // bars and the README's figure marked on each.
      const groups = await page.evaluate(() => [...document.querySelectorAll('svg.bars g.bar-group')].map((g) => ({
        switches: g.getAttribute('data-switches'),
        bars: g.querySelectorAll('rect.bar').length,
        references: g.querySelectorAll('line.reference').length,
      })));
      assert.deepEqual(groups, ['neither', 'PreVote', 'CheckQuorum', 'both'].map((switches) => ({ switches, bars: 2, references: 2 })));
      await page.waitFor({ css: '.exp-comparison th', name: 'README (1,000 seeds)' });
      assert.equal(await page.count('.exp-comparison tbody tr'), 4);

      // Both switches' group: its figures beside the README's; open it.
      const both = { css: 'g.bar-group[data-switches="both"]' };
      const label = await page.attr(both, 'aria-label');
      const seed = await page.attr(both, 'data-seed');
      assert.match(label, new RegExp(`^both: serving leader [0-9.]+% \\(README: 73\\.2%\\), client operations ok [0-9.]+% \\(README: 73\\.9%\\); open its median seed, ${seed}, in the player$`));
      await page.click({ css: 'g.bar-group[data-switches="both"] rect.bar' });
      await page.waitFor(labelled('Trace hash'));
      assert.equal(await page.value(labelled('Seed')), seed);
      await page.waitFor(button('Play')); // paused, 1 ms before the first cut
      assert.doesNotMatch(await page.url(), /view=experiments/);
      // Within a simulated second the nemesis deafens a server or leaves
      // one reaching only some peers.
      await page.click(button('Skip 1 simulated second'));
      await page.lookAt('.event-log');
      await page.waitFor({ css: '.event-log li', text: /action: (deafen n\d|n\d reaches only )/ });
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

      // Back to the player goes back to its entry: no new one (each round
      // trip added two, and Back bounced between the views).
      const entries = await page.evaluate(() => history.length);
      await page.click(button('← Back to the player'));
      await page.waitFor(labelled('Trace hash'));
      assert.equal(await page.evaluate(() => document.getElementById('studio').hidden), true);
      assert.doesNotMatch(await page.url(), /view=experiments/);
      assert.equal(await page.evaluate(() => history.length), entries);
      assert.ok(await page.evaluate(() => document.activeElement.classList.contains('to-experiments')));

      await page.click(button('Experiments'));
      await page.waitFor({ ...status, text: 'Not run yet' });
      assert.equal(await page.evaluate(() => document.getElementById('studio').hidden), false);
      assert.equal(await page.count('.experiments-page'), 1);
      assert.deepEqual(page.errors, []);
    });
  });
}
