// End to end: the "What if…" panel. Choosing vote-without-log-check and
// pressing "Find a failure" runs the search in the page's Web Worker; the
// failure found opens paused at its violation, marked on the timeline,
// narrated (the switch, the invariant) and highlighted, and its shared link
// opens paused there too. A search can be cancelled: the page is idle
// again. Both under the page's strict CSP. Runs in Chromium and in Firefox
// (tests/e2e/browsers.mjs). Run: node --test tests/e2e/ (after
// scripts/build-web.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { browsers, button, labelled, watchCsp, withoutFile, withPage } from './browsers.mjs';

const DIST = process.env.DIST || 'dist';
const SHOTS = process.env.SCREENSHOTS || 'target/screenshots';

async function openPanel(page, url, on, query = '?paused=1') {
  await page.goto(url + '/' + query);
  await page.click({ css: '.what-if h2 button', text: 'What if' });
  await page.waitFor('.what-if .switches');
  assert.equal(await page.count('.what-if .switch'), 15, 'every unsafe switch is listed');
  await page.click(`.what-if input[value="${on}"]`);
  await page.waitFor({ css: '.what-if .switch.chosen', text: on });
}

const clock = (page) => page.text(labelled('Simulated time'));

for (const kind of browsers()) {
  test(`${kind.name}: What if… finds a vote-without-log-check failure, narrated at its violation`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await watchCsp(page);
      // A seed the failure's link drops: Forward to it then moves the query
      // as well as the fragment, and Chromium fires no hashchange.
      await openPanel(page, url, 'vote-without-log-check', '?seed=1&paused=1');
      const entries = await page.evaluate(() => history.length);
      await page.click(button('Find a failure'));
      await page.waitFor('.failure-story', { timeout: 90000 });
      const story = (await page.text('.failure-story')).replace(/\s+/g, ' ');
      assert.match(story, /vote-without-log-check/);
      assert.match(story, /leader completeness/);
      assert.match(story, /5\.4\.1/);
      // Found here, it takes the focus, which reads it: its place is not
      // live (a screen reader would hear it twice).
      assert.equal(await page.count('.story-place[aria-live]'), 0);
      // The Safety panel says the broken rule in a live region, so that a
      // rule broken while a run plays is heard (a page tester heard none).
      assert.equal(await page.count('.invariants .violations[aria-live="polite"] > p.violation'), 1);
      // Paused at the violation: the clock reads the violation's moment.
      await page.waitFor(button('Play'));
      const at = story.match(/violation of leader completeness at (\d+\.\d{3}) s/);
      assert.ok(at, story);
      assert.equal(await clock(page), `t = ${at[1]} s`);
      // Marked on the timeline and highlighted in the picture and the logs.
      assert.equal(await page.count('.tmark.mark-violation'), 1);
      // The rule was first skipped by a server the violation does not
      // name; the last step on its servers is told and marked too.
      assert.match(story, /first skipped at \d+\.\d{3} s by n\d.*, and last before the violation, on a server it involves, at \d+\.\d{3} s by n\d/, story);
      assert.equal(await page.count('.tmark.mark-unsafe'), 2);
      assert.ok(await page.count('g.node.involved circle.involved-ring') >= 2, 'the servers involved are highlighted');
      assert.ok(!(await page.count('.what-if progress')), 'the search is over');
      await page.screenshot(`${SHOTS}/${kind.name}-what-if-found.png`);
      // Side by side, the sticky picture holds the story, the cluster and
      // the timeline whose marks the story names, with nothing cut off (a
      // page tester saw the timeline stay out of the box at 1280x800).
      const box = await page.evaluate(() => {
        const picture = document.querySelector('.layout > .picture');
        return { scroll: picture.scrollHeight, client: picture.clientHeight };
      });
      assert.ok(box.scroll <= box.client + 1, `the picture's box overflows: ${JSON.stringify(box)}`);
      // The story took the focus, so a screen reader and a phone's screen
      // go to it.
      assert.ok(await page.evaluate(() => document.activeElement.classList.contains('failure-story')),
        'the story has the focus');
      // The log table is below the picture, drawn once scrolled into view.
      await page.lookAt('.log-table');
      await page.waitFor('td.entry.involved');
      assert.ok(await page.count('td.entry.involved') >= 1, 'the log entries involved are highlighted');

      // The failure is a new entry in the browser's history, under its
      // link: Back returns to the run before (it left the page), and Undo
      // brings the failure back.
      assert.equal(await page.evaluate(() => history.length), entries + 1);
      assert.match(await page.evaluate(() => location.hash), /^#r=/);
      await page.evaluate(() => history.back());
      await page.waitFor({ css: '.notice-text', text: /names another run/ });
      assert.equal(await page.count('.failure-story'), 0);
      // Forward opens the failure again (it named the failure and showed
      // seed 1, a page tester saw); Back again, and Undo brings it back.
      await page.evaluate(() => history.forward());
      await page.waitFor('section.failure-story');
      await page.waitFor({ ...labelled('Simulated time'), text: `t = ${at[1]} s` });
      await page.evaluate(() => history.back());
      await page.waitFor({ css: '.notice-text', text: /names another run/ });
      await page.click({ css: '.notice button.undo' });
      await page.waitFor('.failure-story');
      await page.waitFor({ ...labelled('Simulated time'), text: `t = ${at[1]} s` });

      // The failure is a run like any other: its link opens paused there,
      // and the worker tells it the story the sender saw (the link holds
      // the run, not the story), without taking the reader's focus.
      await page.click(button('Share this run'));
      const link = await page.value(labelled('Link to this run'));
      await page.goto('about:blank');
      await page.goto(link);
      await page.waitFor({ ...labelled('Simulated time'), text: `t = ${at[1]} s` });
      await page.waitFor(button('Play'));
      // (A line holds its place while the worker replays the run.)
      await page.waitFor('section.failure-story', { timeout: 30000 });
      assert.equal((await page.text('section.failure-story')).replace(/\s+/g, ' '), story);
      assert.equal(await page.count('.failure-story.pending'), 0);
      // A shared run's story arrives in a live region drawn before it, so
      // a screen reader hears it (the pending line's own status region
      // was replaced, and nothing was announced).
      assert.equal(await page.count('.story-place[aria-live="polite"] > section.failure-story'), 1);
      assert.equal(await page.count('.tmark.mark-violation'), 1);
      assert.equal(await page.count('.tmark.mark-unsafe'), 2);
      assert.ok(await page.count('g.node.involved circle.involved-ring') >= 2, 'highlighted as found');
      assert.ok(!(await page.evaluate(() => document.activeElement.classList.contains('failure-story'))),
        'a shared story leaves the focus where the reader is');
      await page.screenshot(`${SHOTS}/${kind.name}-what-if-shared.png`);
      assert.deepEqual(page.errors, []);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    });
  });

  // Back from a found failure reopens the person's own run, at its
  // moment: the entry it left named only the seed, and a fresh run of it
  // opened (a page tester lost a run of actions so).
  test(`${kind.name}: What if… Back from a found failure reopens the run the person had`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await openPanel(page, url, 'vote-without-log-check', '?seed=1&paused=1');
      await page.click(button('Skip 1 simulated second'));
      await page.waitFor({ ...labelled('Simulated time'), text: 't = 1.000 s' });
      await page.click(button('Isolate leader'));
      await page.waitFor({ css: '.timeline-note', text: '1 action recorded' });
      await page.click(button('Find a failure'));
      await page.waitFor('.failure-story', { timeout: 90000 });
      await page.evaluate(() => history.back());
      await page.waitFor({ css: '.timeline-note', text: '1 action recorded' });
      assert.equal(await clock(page), 't = 1.000 s');
      assert.equal(await page.count('.failure-story'), 0);
      assert.match(await page.evaluate(() => location.hash), /^#r=/, 'the entry holds the run');
      // With Undo for the failure (there was none once the run had moved).
      await page.waitFor({ css: '.notice', text: 'names another run' });
      await page.click(button('Undo'));
      await page.waitFor('.failure-story');
      assert.deepEqual(page.errors, []);
    });
  });

  test(`${kind.name}: What if… explores every interleaving in the Worker and opens the shortest failure`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await watchCsp(page);
      await openPanel(page, url, 'vote-without-log-check');
      assert.match(await page.text('.what-if-plan'), /shortest failure takes 8 steps/);
      await page.click(button('Explore every interleaving'));
      await page.waitFor('.failure-story', { timeout: 120000 });
      const story = (await page.text('.failure-story')).replace(/\s+/g, ' ');
      assert.match(story, /leader completeness at 0\.008 s/);
      await page.waitFor(button('Play'));
      assert.equal(await clock(page), 't = 0.008 s');
      const figures = await page.text('.what-if-explored');
      assert.match(figures, /Explored [\d,]+ states \([\d,]+ unique after symmetry reduction\), every state to depth 7 checked, in \d+\.\d s: [\d,]+ states per second/);
      console.log(`${kind.name} explorer: ${figures}`);
      await page.screenshot(`${SHOTS}/${kind.name}-what-if-explored.png`);
      // The twelfth switch is offered too: 4 servers, searched from the
      // state its plan's first 6 steps lead to (not run here: 3 s natively).
      await page.click(`.what-if input[value="config-change-without-noop"]`);
      await page.waitFor({
        css: '.what-if-plan',
        text: /Every interleaving of 4 servers after n1's election in term 1 and n2's timeout for term 2 \(the first 6 steps, fixed\), breadth-first 12 steps further: the shortest failure takes 18 steps\./,
      });
      const disabled = await page.evaluate(() => [...document.querySelectorAll('.what-if-search button')]
        .find((b) => b.textContent.trim() === 'Explore every interleaving')?.disabled);
      assert.equal(disabled, false, 'Explore every interleaving is offered');
      // The thirteenth: a lease that outlives a hand-over, shown from the
      // state after its plan's 7 fixed steps (about 1 s natively).
      await page.click(`.what-if input[value="lease-after-timeout-now"]`);
      await page.waitFor({ css: '.what-if-plan', text: /n1's hand-over to n2 \(the first 7 steps, fixed\)/ });
      await page.click(button('Explore every interleaving'));
      await page.waitFor({ css: '.failure-story', text: /lease-after-timeout-now/ }, { timeout: 120000 });
      const lease = (await page.text('.failure-story')).replace(/\s+/g, ' ');
      assert.match(lease, /rule was first skipped at 0\.312 s by n1.*violation of lease exclusive at 0\.313 s/, lease);
      await page.waitFor(button('Play'));
      assert.equal(await clock(page), 't = 0.313 s');
      // The safety panel names the switch as the cause, not the
      // counterexample's first "Time out", which came before any lease.
      await page.waitFor({ css: '.violation-cause', text: /^Broken on purpose: the unsafe switch lease-after-timeout-now is on:/ });
      await page.screenshot(`${SHOTS}/${kind.name}-what-if-lease-after-timeout-now.png`);
      // The fourteenth: a leader counting its own copy before it is on its
      // disk, shown with disks that sync by the search's moves (about
      // 0.6 s natively from its plan's 6 fixed steps).
      await page.click(`.what-if input[value="count-self-before-persist"]`);
      await page.waitFor({ css: '.what-if-plan', text: /n2 votes for it, then stands for term 2 itself \(the first 6 steps, fixed\)/ });
      await page.click(button('Explore every interleaving'));
      await page.waitFor({ css: '.failure-story', text: /count-self-before-persist/ }, { timeout: 120000 });
      const counted = (await page.text('.failure-story')).replace(/\s+/g, ' ');
      assert.match(counted, /rule was first skipped at 0\.010 s by n1, at log index 1.*violation of leader completeness at 0\.014 s/, counted);
      await page.waitFor(button('Play'));
      assert.equal(await clock(page), 't = 0.014 s');
      await page.screenshot(`${SHOTS}/${kind.name}-what-if-count-self-before-persist.png`);
      // The fifteenth: a ReadIndex read answered on a round sent before it
      // arrived, from a fresh cluster in 12 steps (0.3 s natively); only
      // the read index invariant sees it, since no write made it stale.
      await page.click(`.what-if input[value="read-index-reuses-round"]`);
      await page.waitFor({ css: '.what-if-plan', text: /the shortest failure takes 12 steps/ });
      await page.click(button('Explore every interleaving'));
      await page.waitFor({ css: '.failure-story', text: /read-index-reuses-round/ }, { timeout: 120000 });
      // The new story takes the focus, though the last one was shown (it
      // stayed on the button, a page tester saw).
      assert.ok(await page.evaluate(() => document.activeElement.classList.contains('failure-story')),
        'the new story has the focus');
      const reused = (await page.text('.failure-story')).replace(/\s+/g, ' ');
      assert.match(reused, /rule was first skipped at 0\.012 s by n1, at read index 1.*violation of read index not superseded at 0\.012 s/, reused);
      await page.waitFor(button('Play'));
      assert.equal(await clock(page), 't = 0.012 s');
      await page.screenshot(`${SHOTS}/${kind.name}-what-if-read-index-reuses-round.png`);
      assert.deepEqual(page.errors, []);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    });
  });

  // The studio's wasm did not load (a dropped connection): the search says
  // so, and the next one loads it, without declaring its glue twice (a
  // page tester's page error).
  test(`${kind.name}: What if… loads the studio on a second try after its wasm failed`, async () => {
    await withoutFile(DIST, 'studio_bg.wasm', (broken) => withPage(kind, broken, async ({ url, page }) => {
      await openPanel(page, url, 'forget-vote-on-restart');
      await page.click(button('Find a failure'));
      await page.waitFor({ css: '.what-if-status', text: /^The search failed: the page's studio could not load/ }, { timeout: 30000 });
      cpSync(join(DIST, 'studio_bg.wasm'), join(broken, 'studio_bg.wasm'));
      await page.click(button('Find a failure'));
      await page.waitFor('section.failure-story', { timeout: 90000 });
      // Only the missing file's 404 (Chromium logs it).
      assert.deepEqual(page.errors.filter((e) => !/status of 404/.test(e)), []);
    }));
  });

  // A worker whose wasm cannot be fetched (a dropped connection; here, a
  // site without the file) is a failed search, said in the panel: it used
  // to wait on "starting the worker" for ever.
  test(`${kind.name}: What if… says so when the worker's wasm does not load`, async () => {
    await withoutFile(DIST, 'worker_bg.wasm', (broken) => withPage(kind, broken, async ({ url, page }) => {
      await openPanel(page, url, 'vote-without-log-check');
      await page.click(button('Find a failure'));
      await page.waitFor({ css: '.what-if-status', text: /^The search failed: the worker failed: .*its wasm did not load/ }, { timeout: 30000 });
      await page.waitFor(button('Find a failure'));
      assert.equal(await page.count('.what-if progress'), 0, 'no progress left behind');
    }));
  });

  test(`${kind.name}: What if… shows progress and a cancelled search says so and changes nothing`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await watchCsp(page);
      // This switch needs 113 seeds from a fresh page: still searching when cancelled.
      await openPanel(page, url, 'config-change-without-noop');
      const before = await clock(page);
      // By keyboard: the focus stays on the button Enter was pressed on,
      // which reads Cancel while the search runs (it fell to the body).
      const focused = () => page.evaluate(() => document.activeElement.textContent);
      await page.evaluate(() => [...document.querySelectorAll('.what-if-search button')]
        .find((b) => b.textContent === 'Find a failure').focus());
      await page.press('Enter');
      await page.waitFor({ css: '.what-if-status', text: /\d+ of 200 seeds tried, \d+\.\d s/ }, { timeout: 60000 });
      assert.equal(await page.count('.what-if progress'), 1);
      assert.equal(await focused(), 'Cancel');
      // A Cancel within half a second of the start is a double click's
      // second click, which the panel ignores (what_if::DOUBLE_CLICK_MS).
      await page.sleep(600);
      await page.press('Enter');
      await page.waitFor(button('Find a failure'));
      assert.equal(await focused(), 'Find a failure');
      const cancelled = 'Cancelled: the search stopped, and the run on screen is as it was.';
      assert.equal(await page.text('.what-if-status'), cancelled, 'no progress left behind');
      assert.equal(await page.count('.what-if progress'), 0);
      assert.equal(await page.count('.failure-story'), 0);
      // Nothing arrives late: the run on screen is the one before.
      await page.sleep(1500);
      assert.equal(await page.count('.failure-story'), 0);
      assert.equal(await page.text('.what-if-status'), cancelled);
      assert.equal(await clock(page), before);
      assert.deepEqual(page.errors, []);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    });
  });
}
