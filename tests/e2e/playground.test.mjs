// End to end, as a new user would: open the release build, wait for a
// leader, send a message, partition the leader away, see a new leader, heal,
// see the old leader become a follower; no console errors. Saves a screenshot.
// Adds a server: it joins the ring as a learner and becomes a voter.
// Every test runs in Chromium and in Firefox (tests/e2e/browsers.mjs).
// Run: node --test tests/e2e/  (after scripts/build-web.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { browsers, button, dialog, labelled, withPage } from './browsers.mjs';

const DIST = process.env.DIST || 'dist';
const SHOTS = process.env.SCREENSHOTS || 'target/screenshots';

async function leaderOf(page) {
  const leader = 'g.node[data-role=leader]';
  await page.waitFor(leader, { timeout: 20000 });
  return {
    id: await page.attr(leader, 'data-node'),
    term: Number(await page.attr(leader, 'data-term')),
  };
}

for (const kind of browsers()) {
  test(`${kind.name}: a new user elects, writes, partitions, heals`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=5');

      // A leader appears within a few seconds at the default speed.
      const started = Date.now();
      const first = await leaderOf(page);
      const seconds = (Date.now() - started) / 1000;
      assert.ok(seconds < 15, `first leader after ${seconds}s`);
      const label = await page.attr(`g.node[data-node="${first.id}"]`, 'aria-label');
      assert.match(label, new RegExp(`^Node ${first.id}, leader, term \\d+$`));

      // Send a message; it is applied everywhere.
      await page.fill(labelled('Message'), 'hello raft');
      await page.click(button('Send'));
      await page.waitFor({ css: '.requests li.ok', text: 'hello raft' }, { timeout: 20000 });
      await page.lookAt('.applied');
      await page.waitFor({ css: '.applied td.delivered', text: 'hello raft', nth: 4 }, { timeout: 20000 });

      // The leader's nextIndex/matchIndex tags sit in the gaps between the
      // log table's rows: none covers an entry of another row.
      const tags = await page.run(() => {
        const marks = [...document.querySelectorAll('.log-table .mark')];
        const covered = marks.flatMap((m) => {
          const r = m.getBoundingClientRect();
          return [...document.querySelectorAll('.log-table td')]
            .filter((td) => !td.contains(m))
            .filter((td) => {
              const c = td.getBoundingClientRect();
              return r.left < c.right && c.left < r.right && r.top < c.bottom && c.top < r.bottom;
            })
            .map((td) => `${m.textContent} over ${td.title || td.className}`);
        });
        return { count: marks.length, covered };
      });
      assert.ok(tags.count > 0, 'the leader marks its followers');
      assert.deepEqual(tags.covered, []);

      // Reads by ReadIndex: the answer writes no entry and says what gave it.
      await page.run(() => {
        const reads = document.querySelector('select[aria-label="Reads"]');
        reads.value = 'read_index';
        reads.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await page.fill(labelled('Message'), 'read msg');
      await page.click(button('Send'));
      await page.waitFor({ css: '.requests li.ok', text: /read hello raft, answered by (ReadIndex|follower read)/ }, { timeout: 20000 });

      // The drift bound a lease allows for is a setting too: choosing it
      // records a `drift` action, shown in the event log.
      await page.run(() => {
        const drift = document.querySelector('select[aria-label="Drift bound"]');
        drift.value = '100000';
        drift.dispatchEvent(new Event('change', { bubbles: true }));
      });
      await page.lookAt('.event-log');
      await page.waitFor({ css: '.event-log li', text: 'action: drift bound: ±10%' }, { timeout: 10000 });

      // Partition the leader away: the majority elects another.
      await page.click(button('Isolate leader'));
      await page.waitForFunction((old) => {
        const leaders = [...document.querySelectorAll('g.node[data-role=leader]')].map((g) => g.dataset.node);
        return leaders.some((id) => id !== old);
      }, first.id, { timeout: 30000 });
      assert.ok(await page.count('line.link.cut') > 0, 'the cut is drawn');
      await page.screenshot(`${SHOTS}/${kind.name}-partitioned.png`);

      // Heal: the old leader hears the higher term and becomes a follower.
      await page.click(button('Heal'));
      await page.waitForFunction((old) => {
        const g = document.querySelector(`g.node[data-node="${old}"]`);
        return g && g.dataset.role === 'follower';
      }, first.id, { timeout: 30000 });
      const after = await leaderOf(page);
      assert.ok(after.term > first.term, `term moved on: ${first.term} -> ${after.term}`);

      // Keyboard alone: the help overlay opens with ? and closes with Escape.
      await page.press('?');
      await page.waitFor(dialog('Keyboard shortcuts'));
      // The dialog takes the focus, so Tab and Enter act in it.
      await page.waitForFunction(() => document.activeElement?.closest('[role=dialog]') !== null, undefined, { timeout: 2000 });
      // It opens at its top, and Tab stays in it (it opened scrolled to its
      // Close button, and the second Tab went to the page behind).
      assert.equal(await page.evaluate(() => document.querySelector('.dialog').scrollTop), 0);
      for (let i = 0; i < 3; i++) await page.press('Tab');
      assert.ok(await page.evaluate(() => document.activeElement?.closest('[role=dialog]') !== null), 'Tab stays in the dialog');
      // It says what the numbers in a server are, and each message colour.
      const key = await page.evaluate(() => {
        const dialog = document.querySelector('[role=dialog]');
        const items = [...dialog.querySelectorAll('[aria-label="Message colours"] li')];
        return {
          text: dialog.textContent,
          colours: new Set(items.map((li) => li.querySelector('circle').getAttribute('fill'))).size,
          items: items.length,
        };
      });
      assert.match(key.text, /its term \(the big number\) and its commit index/);
      assert.ok(key.items === 7 && key.colours === 7, JSON.stringify(key));
      // Close stays at the dialog's top as it scrolls (on a phone it was
      // 1,300 px down, at the end, a page tester saw).
      const close = await page.evaluate(() => {
        const dialog = document.querySelector('.dialog');
        dialog.scrollTop = dialog.scrollHeight;
        const top = (e) => e.getBoundingClientRect().top;
        return top(dialog.querySelector('button')) - top(dialog);
      });
      assert.ok(close >= 0 && close < 60, `Close ${close} px below the dialog's top`);
      await page.press('Escape');
      await page.waitForFunction(() => document.querySelectorAll('[role=dialog]').length === 0, undefined, { timeout: 2000 });

      // The run's trace hash is shown, for comparison with raft-sim.
      const hash = (await page.text(labelled('Trace hash'))).trim();
      assert.match(hash, /^[0-9a-f]{16}$/);

      await page.screenshot(`${SHOTS}/${kind.name}-healed.png`);
      assert.deepEqual(page.errors, [], 'no console errors');
    });
  });

  test(`${kind.name}: an added server joins the ring as a learner, then votes`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=5&nodes=3&paused=1');
      await page.click(button('Skip 1 simulated second'));
      await page.waitFor('g.node[data-role=leader]', { timeout: 10000 });
      assert.equal(await page.count('g.node'), 3);

      await page.click(button('Add server'));
      const added = 'g.node[data-node="4"]';
      await page.waitFor(added, { timeout: 5000 });
      assert.equal(await page.count('g.node'), 4);
      assert.match(await page.attr(added, 'aria-label'), /^Node 4, follower, term \d+, learner$/);
      // One change at a time (thesis §4.1): a second is offered disabled,
      // and the panel says why.
      await page.waitFor({ css: 'fieldset.membership .why-not', text: 'not committed yet' }, { timeout: 5000 });
      const disabled = await page.evaluate(() => [...document.querySelectorAll('fieldset.membership button')]
        .filter((b) => b.disabled).map((b) => b.textContent.split(' ')[0]));
      assert.deepEqual(disabled, ['Add', 'Replace']);
      assert.equal(await page.count('g.node'), 4);

      // Caught up, the learner is promoted to voter.
      await page.click(button('Skip 1 simulated second'));
      await page.waitFor(`${added}[data-standing=voter]`, { timeout: 5000 });
      assert.match(await page.attr(added, 'aria-label'), /^Node 4, follower, term \d+$/);

      // Joint consensus (thesis §4.3): two followers replaced at once.
      const leader = Number(await page.attr('g.node[data-role=leader]', 'data-node'));
      const [a, b] = [1, 2, 3, 4].filter((id) => id !== leader);
      await page.click(button(`Replace n${a} and n${b} with n5 and n6`));
      await page.click(button('Skip 1 simulated second'));
      await page.waitFor('g.node[data-node="6"][data-standing=voter]', { timeout: 5000 });
      assert.equal(await page.count('g.node'), 6);
      assert.equal(await page.attr(`g.node[data-node="${a}"]`, 'data-standing'), 'removed');
      assert.equal(await page.attr(`g.node[data-node="${b}"]`, 'data-standing'), 'removed');

      // One server at a time (thesis §4.1): the same button, now by
      // single-server changes, ends on the same kind of cluster.
      await page.click('fieldset.membership input[type=checkbox]');
      await page.waitFor('fieldset.membership button[title*="§4.1"]', { timeout: 5000 });
      const now = Number(await page.attr('g.node[data-role=leader]', 'data-node'));
      const voters = [];
      for (const id of [1, 2, 3, 4, 5, 6]) {
        const standing = await page.attr(`g.node[data-node="${id}"]`, 'data-standing');
        if (standing === 'voter' && id !== now) voters.push(id);
      }
      const [c, d] = voters;
      await page.click(button(`Replace n${c} and n${d} with n7 and n8`));
      await page.click(button('Skip 1 simulated second'));
      await page.click(button('Skip 1 simulated second'));
      await page.waitFor('g.node[data-node="8"][data-standing=voter]', { timeout: 5000 });
      assert.equal(await page.attr(`g.node[data-node="${c}"]`, 'data-standing'), 'removed');
      assert.equal(await page.attr(`g.node[data-node="${d}"]`, 'data-standing'), 'removed');
      assert.deepEqual(page.errors, []);
    });
  });

  test(`${kind.name}: a paused page does no per-frame work`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=2');
      await page.waitForFunction(() => window.wasmBindings && window.wasmBindings.frame_count() > 10);
      await page.click(button('Pause'));
      await page.sleep(800); // let any dying-message fade finish
      const before = await page.evaluate(() => window.wasmBindings.frame_count());
      await page.sleep(1000);
      const after = await page.evaluate(() => window.wasmBindings.frame_count());
      assert.equal(after, before, 'no frames while paused');
    });
  });

  test(`${kind.name}: a broken link says what is wrong and the page still works`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/#s=!!broken!!');
      await page.waitFor({ css: '.notice', text: 'damaged' }, { timeout: 10000 });
      await page.waitFor('g.node[data-role=leader]', { timeout: 20000 });

      // Share the run, then paste the link back: it loads; a bad paste keeps the run.
      await page.click(button('Share this run'));
      const link = await page.value(labelled('Link to this run'));
      // #r= (postcard) links; builds before it wrote #z= (hand-made binary).
      assert.match(link, /#[rz]=[A-Za-z0-9_-]+$/);
      const future = { ...JSON.parse(readFileSync('docs/examples/minority-leader.json', 'utf8')), version: 3 };
      await page.fill(labelled('Scenario to load'), JSON.stringify(future));
      await page.click(button('Load'));
      // Said under the Load button, not under the picture, away from it.
      await page.waitFor({ css: '.share .form-error', text: 'version 3 is not supported' });
      await page.waitFor({ css: '.share .form-error', text: 'your current run is unchanged' });
      assert.equal(await page.text('.notice'), '');
      // The same failure again is a new alert, which a screen reader
      // reads again (an alert whose words stay the same is not).
      await page.evaluate(() => { document.querySelector('.share .form-error').dataset.first = 'yes'; });
      await page.click(button('Load'));
      await page.waitForFunction(() => {
        const alert = document.querySelector('.share .form-error');
        return alert && !alert.dataset.first && /version 3/.test(alert.textContent);
      });
      await page.fill(labelled('Scenario to load'), link);
      await page.click(button('Load'));
      await page.waitForFunction(() => !document.querySelector('.share .form-error'));
      assert.equal(await page.text('.notice'), '');
      assert.deepEqual(page.errors, []);
    });
  });

  // Enter in the seed field starts a new run at once; the notice offers
  // the old one back until the next command.
  test(`${kind.name}: a Reset can be undone`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=4&paused=1');
      for (let i = 0; i < 2; i++) await page.click(button('Skip 1 simulated second'));
      const clock = { ...labelled('Simulated time'), text: /^t = 2\.000 s$/ };
      await page.waitFor(clock, { timeout: 5000 });
      await page.fill(labelled('Seed'), '9');
      await page.press('Enter');
      await page.waitFor({ css: '.notice', text: 'A new run: seed 9, 5 servers.' });
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 0\.000 s$/ });
      await page.click(button('Undo'));
      await page.waitFor(clock, { timeout: 5000 });
      assert.equal(await page.value(labelled('Seed')), '4');
      assert.equal(await page.count('.notice .undo'), 0);
      assert.deepEqual(page.errors, []);
    });
  });

  test(`${kind.name}: the timeline rewinds the run and acting there forks it`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=4&paused=1');
      for (let i = 0; i < 3; i++) await page.click(button('Skip 1 simulated second'));
      // The clock shows exactly this time (renders may lag an event by a frame).
      const clockShows = (text) => page.waitFor(
        { ...labelled('Simulated time'), text: new RegExp(`^${text.replaceAll('.', '\\.')}$`) }, { timeout: 5000 });
      await clockShows('t = 3.000 s');
      // The marks show: an SVG line draws its stroke (colouring its fill,
      // as the CSS once did, left every ordinary mark invisible).
      const election = await page.evaluate(() => {
        const mark = document.querySelector('.tmark.mark-election');
        const style = mark && getComputedStyle(mark);
        return mark && { stroke: style.stroke, width: parseFloat(style.strokeWidth) };
      });
      assert.notEqual(election, null, 'an election is marked');
      assert.notEqual(election.stroke, 'none');
      assert.ok(election.width >= 2, `stroke width ${election.width}`);
      await page.setValue(labelled('Timeline'), '1200');
      await clockShows('t = 1.200 s');
      await page.waitFor({ css: '.timeline-note', text: 'acting here discards' });
      await page.setValue(labelled('Link to cut'), '1->2');
      await page.click(button('Cut one way'));
      await page.waitFor({ css: '.timeline-note', text: '1 action recorded' });
      assert.equal(await page.attr(labelled('Timeline'), 'max'), '1200');
      assert.deepEqual(page.errors, []);
    });
  });

  // Space presses the focused button (here +1 s), as a browser's button
  // takes it; it is pause and play only where no control has the focus.
  // (It paused, and the button did nothing.)
  test(`${kind.name}: Space presses the focused button rather than pausing`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=4&paused=1');
      await page.waitFor(button('Skip 1 simulated second'));
      await page.evaluate(() => document.querySelector('[aria-label="Skip 1 simulated second"]').focus());
      await page.press('Space');
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 1\.000 s$/ }, { timeout: 5000 });
      await page.waitFor(button('Play'), { timeout: 2000 });
      // Away from any control, Space plays.
      await page.evaluate(() => document.activeElement.blur());
      await page.press('Space');
      await page.waitFor(button('Pause'), { timeout: 5000 });
      await page.press('Space');
      await page.waitFor(button('Play'), { timeout: 5000 });
      // On the timeline, Home (the slider's own key, no shortcut's) goes
      // to the start and Space plays (it did nothing until Tab left the
      // slider, a page tester saw).
      await page.evaluate(() => document.querySelector('[aria-label="Timeline"]').focus());
      await page.press('Home');
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 0\.000 s$/ }, { timeout: 5000 });
      await page.waitFor(button('Play'), { timeout: 2000 });
      await page.press('Space');
      await page.waitFor(button('Pause'), { timeout: 5000 });
      assert.deepEqual(page.errors, []);
    });
  });

  // On the timeline the arrows step one event, as the buttons beside it
  // do: the slider's own step, a millisecond, moved nothing a person
  // could see in a run of seconds.
  test(`${kind.name}: the timeline's arrows step one event`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=4&paused=1');
      await page.click(button('Skip 1 simulated second'));
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 1\.000 s$/ }, { timeout: 5000 });
      const time = () => page.text(labelled('Simulated time'));
      // The first event by the button beside the timeline.
      await page.setValue(labelled('Timeline'), '0');
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 0\.000 s$/ }, { timeout: 5000 });
      await page.click(button('Step forward one event'));
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 0\.[0-9]{3} s$/ }, { timeout: 5000 });
      const first = await time();
      assert.notEqual(first, 't = 0.000 s', 'the first event is after 0');
      assert.notEqual(first, 't = 0.001 s', 'the first event is not one millisecond in');
      // The same with the keys on the slider.
      await page.evaluate(() => document.querySelector('[aria-label="Timeline"]').focus());
      await page.press('Home');
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 0\.000 s$/ }, { timeout: 5000 });
      await page.press('ArrowRight');
      await page.waitFor({ ...labelled('Simulated time'), text: first }, { timeout: 5000 });
      // Up and Down as the slider's forward and back: the second event as
      // the button finds it, then the first again.
      await page.click(button('Step forward one event'));
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 0\.[0-9]{3} s$/ }, { timeout: 5000 });
      const second = await time();
      await page.evaluate(() => document.querySelector('[aria-label="Timeline"]').focus());
      await page.press('Home');
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 0\.000 s$/ }, { timeout: 5000 });
      await page.press('ArrowUp');
      await page.waitFor({ ...labelled('Simulated time'), text: first }, { timeout: 5000 });
      await page.press('ArrowUp');
      await page.waitFor({ ...labelled('Simulated time'), text: second }, { timeout: 5000 });
      await page.press('ArrowDown');
      await page.press('ArrowLeft');
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 0\.000 s$/ }, { timeout: 5000 });
      // End goes back to the run's end, as any slider's End does.
      await page.press('End');
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 1\.000 s$/ }, { timeout: 5000 });
      assert.deepEqual(page.errors, []);
    });
  });

  // In one column (a tablet held upright) the details sit below the
  // picture: a server picked there brings them into view, scrolled only as
  // far as they need (they opened 250 px below the window, and the tap
  // seemed to do nothing, a page tester saw).
  test(`${kind.name}: a server picked in one column brings its details into view`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=3&paused=1');
      await page.waitFor("g.node[data-node='3']");
      // (An SVG group has no click() and geckodriver will not click one.)
      await page.evaluate(() => document.querySelector("g.node[data-node='3']")
        .dispatchEvent(new MouseEvent('click', { bubbles: true })));
      await page.waitFor({ css: '.panel.details h2', text: 'Node 3' });
      await page.waitForFunction(() => {
        const box = document.querySelector('.panel.details').getBoundingClientRect();
        return box.top >= 0 && box.bottom <= innerHeight;
      }, undefined, { timeout: 5000 });
      // The picture's lower half is still in view.
      const seen = await page.evaluate(() => ({
        picture: document.querySelector('svg.cluster').getBoundingClientRect().bottom,
        scrolled: scrollY,
      }));
      assert.ok(seen.picture > 0 && seen.scrolled > 0, JSON.stringify(seen));
      // Beside the picture (a desktop), a pick scrolls nothing: the page
      // read further down stays where it is.
      await page.setViewport({ width: 1280, height: 900 });
      await page.evaluate(() => window.scrollTo(0, 600));
      const before = await page.evaluate(() => scrollY);
      await page.evaluate(() => document.querySelector("g.node[data-node='2']")
        .dispatchEvent(new MouseEvent('click', { bubbles: true })));
      await page.waitFor({ css: '.panel.details h2', text: 'Node 2' });
      await page.sleep(800);
      assert.equal(await page.evaluate(() => scrollY), before);
      assert.deepEqual(page.errors, []);
    }, { width: 768, height: 1024 });
  });

  // A finger's targets: the checkboxes were 13 px, the log table's server
  // names 16 and the sliders 16 px tall on a phone (a page tester); at
  // least 24 px each way with a coarse pointer (WCAG 2.5.8). Chromium only:
  // geckodriver emulates no touch screen.
  test(`${kind.name}: a phone's targets are at least 24 px`, { skip: kind.name !== 'chromium' && 'no touch emulation' }, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=3&paused=1');
      await page.waitFor('.logs button.link');
      const small = await page.evaluate(() => [...document.querySelectorAll(
        'input[type=checkbox], .logs button.link, .what-if button.link, .tour button.link, input[type=range]')]
        .map((e) => [e.outerHTML.slice(0, 60), e.getBoundingClientRect()])
        .filter(([, r]) => r.width > 0 && (r.width < 23.5 || r.height < 23.5))
        .map(([html, r]) => `${html} ${r.width}x${r.height}`));
      const counted = await page.count('input[type=checkbox]');
      assert.ok(counted >= 3, `checkboxes: ${counted}`);
      assert.deepEqual(small, []);
      assert.deepEqual(page.errors, []);
    }, { width: 390, height: 844, touch: true });
  });

  // A page that opens and runs says nothing in the console, where an
  // embedding host's developer reads it too (Chromium warned on every load
  // that it ignores the wasm preload's integrity attribute).
  test(`${kind.name}: a fresh page writes no console warning or error`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=2');
      await page.waitFor('g.node[data-role=leader]', { timeout: 20000 });
      assert.deepEqual(page.warnings, []);
      assert.deepEqual(page.errors, []);
    });
  });

  // Accessibility (an accessibility tester): a server's name and commit
  // index are readable on its fill, a stopped server's grey included (WCAG
  // 1.4.3, 4.5:1); the help fits a 320 px window (a 1280 px screen at
  // 400%); and the focus goes back to the server the help was opened from.
  test(`${kind.name}: servers' labels have contrast, the help fits 320 px, the focus comes back`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=1&paused=1');
      await page.waitFor("g.node[data-node='3']");
      await page.evaluate(() => document.querySelector("g.node[data-node='3']")
        .dispatchEvent(new MouseEvent('click', { bubbles: true })));
      await page.click(button('Stop'));
      await page.waitFor("g.node[data-node='3'][data-role=stopped]");
      const low = await page.evaluate(() => {
        const rgb = (c) => {
          const probe = document.createElement('canvas').getContext('2d');
          probe.fillStyle = c;
          const hex = probe.fillStyle.slice(1);
          return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
        };
        const luminance = (c) => {
          const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
          return 0.2126 * r + 0.7152 * g + 0.0722 * b;
        };
        const out = [];
        for (const node of document.querySelectorAll('g.node')) {
          const fill = node.querySelector('circle.body').getAttribute('fill');
          for (const label of node.querySelectorAll('text.node-id, text.commit')) {
            const [a, b] = [luminance(getComputedStyle(label).fill), luminance(fill)].sort((x, y) => y - x);
            const ratio = (a + 0.05) / (b + 0.05);
            if (ratio < 4.5) out.push(`${label.textContent} on ${fill}: ${ratio.toFixed(2)}`);
          }
        }
        return out;
      });
      assert.deepEqual(low, []);
      // Help from the server, and back to it.
      await page.evaluate(() => document.querySelector("g.node[data-node='3']").focus());
      await page.press('?');
      await page.waitFor(dialog('Keyboard shortcuts'));
      await page.press('Escape');
      await page.waitForFunction(() => document.activeElement && document.activeElement.getAttribute('data-node') === '3',
        undefined, { timeout: 5000 });
      // The help at 320 px stays inside the window.
      await page.setViewport({ width: 320, height: 600 });
      await page.press('?');
      await page.waitFor(dialog('Keyboard shortcuts'));
      const box = await page.evaluate(() => {
        const r = document.querySelector('.overlay .dialog').getBoundingClientRect();
        return { left: r.left, right: r.right, inner: innerWidth };
      });
      assert.ok(box.left >= 0 && box.right <= box.inner, JSON.stringify(box));
      assert.deepEqual(page.errors, []);
    });
  });

  // A message with the focus is delivered while the run goes on: the focus
  // falls back to the picture, not to the page's body, where a screen
  // reader loses its place (an accessibility tester: 5 of 5 trials).
  test(`${kind.name}: a focused message delivered while running leaves the focus in the picture`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=2&load=5');
      await page.waitFor('g.message', { timeout: 20000 });
      await page.evaluate(() => document.querySelector('g.message').focus());
      assert.equal(await page.evaluate(() => document.activeElement.classList.contains('message')), true);
      await page.sleep(2000);
      const where = await page.evaluate(() => {
        const a = document.activeElement;
        return a === document.body ? 'body' : a.closest('.picture') ? 'picture' : a.tagName;
      });
      assert.equal(where, 'picture');
      assert.deepEqual(page.errors, []);
    });
  });

  // WCAG 2.1.4: the single-key shortcuts can be turned off in the help,
  // and the browser remembers (an accessibility tester pressed r on the
  // Heal button and the leader restarted). Arrows and Escape stay on.
  test(`${kind.name}: the single-key shortcuts can be turned off, and stay off`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=1&paused=1');
      await page.click(button('Skip 1 simulated second'));
      await page.waitFor({ css: '.timeline-note', text: '0 actions recorded' });
      await page.click(button('Help'));
      const toggle = { css: '.overlay .single-keys input' };
      await page.waitFor(toggle);
      assert.equal(await page.run(() => document.querySelector('.overlay .single-keys input').checked), true);
      await page.click(toggle);
      await page.press('Escape');
      await page.waitForFunction(() => !document.querySelector('.overlay'), undefined, { timeout: 5000 });
      // The controls no longer name keys that do nothing; the arrows stay.
      assert.deepEqual(await page.run(() => [...document.querySelectorAll('[aria-keyshortcuts]')]
        .map((e) => e.getAttribute('aria-keyshortcuts')).filter((k) => !k.startsWith('Arrow'))), []);
      await page.evaluate(() => document.activeElement.blur());
      for (const key of ['r', 'c', 'p', '?']) await page.press(key);
      await page.sleep(500);
      assert.equal(await page.text({ css: '.timeline-note' }), '0 actions recorded');
      assert.equal(await page.count('.overlay'), 0, '? opens no help');
      // Off after a reload too; the help's button still opens the help.
      await page.goto(url + '/?seed=1&paused=1');
      await page.click(button('Skip 1 simulated second'));
      await page.press('r');
      await page.sleep(500);
      assert.equal(await page.text({ css: '.timeline-note' }), '0 actions recorded');
      await page.click(button('Help'));
      await page.waitFor(toggle);
      assert.equal(await page.run(() => document.querySelector('.overlay .single-keys input').checked), false);
      await page.click(toggle);
      await page.press('Escape');
      await page.evaluate(() => document.activeElement.blur());
      await page.press('r');
      await page.waitFor({ css: '.timeline-note', text: '1 action recorded' }, { timeout: 5000 });
      assert.deepEqual(page.errors, []);
    });
  });

  // A value may be 200 bytes without a space: the request, the delivered
  // lists and the event log wrap it inside their cards (it ran out of
  // them and scrolled the whole page sideways, a page tester saw).
  test(`${kind.name}: a long value without spaces wraps inside its cards`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=0&paused=1');
      const value = 'y'.repeat(180);
      await page.fill(labelled('Message'), `write x ${value}`);
      await page.click(button('Send'));
      for (let i = 0; i < 2; i++) await page.click(button('Skip 1 simulated second'));
      await page.waitFor({ css: '.requests li.ok', text: value });
      for (const css of ['.applied', '.event-log']) await page.lookAt(css);
      await page.waitFor({ css: '.applied td.delivered', text: value, nth: 4 });
      await page.waitFor({ css: '.event-log li', text: value });
      const sticking = await page.run(() => {
        const out = [];
        for (const [card, css] of [['.client', '.requests li'], ['.applied', 'td'], ['.event-log', 'li']]) {
          const edge = document.querySelector(card).getBoundingClientRect().right;
          for (const e of document.querySelectorAll(`${card} ${css}`)) {
            const range = document.createRange();
            range.selectNodeContents(e);
            const right = range.getBoundingClientRect().right;
            if (right > edge) out.push(`${card} ${css}: ${Math.round(right)} > ${Math.round(edge)}`);
          }
        }
        const root = document.documentElement;
        if (root.scrollWidth > root.clientWidth) out.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
        return out;
      });
      assert.deepEqual(sticking, []);
      assert.deepEqual(page.errors, []);
    });
  });

  // A phone's width: nothing sticks out sideways (the tour menu did, by
  // 2 px, and the picture's column by its content), and the margins match.
  test(`${kind.name}: at 375 px nothing scrolls sideways`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?paused=1&nodes=9');
      await page.waitFor('.tour-menu');
      const box = await page.evaluate(() => {
        const right = (css) => document.querySelector(css).getBoundingClientRect().right;
        return {
          wide: document.documentElement.scrollWidth,
          view: document.documentElement.clientWidth,
          menu: right('.tour-menu'),
          picture: right('.picture'),
          side: right('.side'),
          left: document.querySelector('.picture').getBoundingClientRect().left,
        };
      });
      assert.ok(box.wide <= box.view, JSON.stringify(box));
      assert.ok(box.menu <= box.view && box.side <= box.view, JSON.stringify(box));
      assert.ok(Math.abs(box.picture - box.side) < 1, JSON.stringify(box));
      assert.ok(Math.abs(box.view - box.picture - box.left) < 2, `even margins: ${JSON.stringify(box)}`);
      await page.screenshot(`${SHOTS}/${kind.name}-375.png`);
      // So does the cluster picture: its servers' names and commit indexes
      // are drawn larger here (they were 7 and 8 px tall).
      const names = await page.evaluate(() => ['.node-id', '.commit'].map(
        (css) => document.querySelector(`.node ${css}`).getBoundingClientRect().height));
      assert.ok(names.every((h) => h >= 10), `legible server labels: ${names}`);
      // The message diagram scales with its width; its labels are drawn
      // larger here (they were 5 px tall).
      await page.evaluate(() => document.querySelector('section.sequence').scrollIntoView());
      await page.waitFor('.sequence .tick');
      const tall = await page.evaluate(() => ['.tick', '.lane-name'].map(
        (css) => document.querySelector(`.sequence ${css}`).getBoundingClientRect().height));
      assert.ok(tall.every((h) => h >= 8), `legible diagram labels: ${tall}`);
      // At time 0 the window reaches back before the run: named, not blank.
      await page.waitFor({ css: '.sequence .before-start text', text: 'before the run started' });
    }, { width: 375, height: 812 });
  });

  // The narrowest phones: the page clips what sticks out sideways, so the
  // scroll width cannot tell; each control's box must. (The Reads and
  // Read-by menus, as wide as their longest option, and the sliders'
  // values were cut off.)
  test(`${kind.name}: at 320 px every control fits`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?paused=1');
      await page.waitFor('.network select');
      const out = await page.evaluate(() => {
        const view = document.documentElement.clientWidth;
        const controls = document.querySelectorAll('select, input, button, output, textarea, label');
        return [...controls]
          .filter((el) => !el.closest('svg') && el.getBoundingClientRect().right > view + 0.5)
          .map((el) => `${el.tagName} ${el.getAttribute('aria-label') || el.textContent.slice(0, 20)}`);
      });
      assert.deepEqual(out, []);
    }, { width: 320, height: 640 });
  });

  // Below 800 px the panels are under the picture: an error from one of
  // them was said under the picture, out of view.
  test(`${kind.name}: at 375 px an error from a panel is said in view`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?paused=1');
      await page.waitFor('.tour-menu');
      await page.fill(labelled('Link to cut'), '1->1');
      await page.click(button('Cut one way'));
      await page.waitFor({ css: '.notice', text: 'two different nodes' });
      const box = await page.evaluate(() => {
        const notice = document.querySelector('.notice .notice-text').getBoundingClientRect();
        const input = document.querySelector('[aria-label="Link to cut"]');
        const field = input.getBoundingClientRect();
        const middle = document.elementFromPoint(field.left + field.width / 2, field.top + field.height / 2);
        return {
          top: notice.top, bottom: notice.bottom, field: field.top, view: window.innerHeight,
          fieldSeen: middle === input,
        };
      });
      assert.ok(box.field >= 0 && box.field <= box.view, `the field is in view: ${JSON.stringify(box)}`);
      assert.ok(box.top >= 0 && box.bottom <= box.view, `so is the error: ${JSON.stringify(box)}`);
      assert.ok(box.fieldSeen, `the error does not cover the field: ${JSON.stringify(box)}`);
      assert.ok(box.bottom - box.top <= 0.3 * box.view + 1, `at most 30% of the window: ${JSON.stringify(box)}`);
      await page.screenshot(`${SHOTS}/${kind.name}-375-error.png`);
      assert.deepEqual(page.errors, []);
    }, { width: 375, height: 812 });
  });

  // At a desktop's 1100x700, and on a phone on its side (844x390: left
  // out below 480 px, its picture's box stretched beside the panels, empty,
  // a page tester saw).
  for (const size of [{ width: 1100, height: 700 }, { width: 844, height: 390 }]) test(`${kind.name}: the cluster stays in view beside the panels as the page scrolls (${size.width}x${size.height})`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?paused=1');
      await page.waitFor('.tour-menu');
      // Scrolled so that the Network panel's last control is at the
      // window's bottom: the picture stays in the window, its top edge
      // just under the window's, and the timeline under it too.
      const at = await page.evaluate(() => {
        const box = (css) => document.querySelector(css).getBoundingClientRect();
        const target = box('.side').bottom + window.scrollY - window.innerHeight;
        window.scrollTo(0, target);
        return {
          scrolled: window.scrollY,
          view: window.innerHeight,
          picture: box('.layout > .picture').top,
          cluster: box('.cluster-stack').bottom,
          timeline: box('.timeline').bottom,
        };
      });
      assert.ok(at.scrolled > 400, `the side column should overflow: ${JSON.stringify(at)}`);
      assert.ok(at.picture >= 0 && at.picture <= 12, JSON.stringify(at));
      assert.ok(at.timeline <= at.view && at.cluster <= at.view, JSON.stringify(at));
    }, size);
  });

  // One column in a short window (a desktop at 200% zoom): a tour's step
  // sits beside the cluster, so Next and the servers are in view together
  // (stacked, the cluster began 370 px down a 450 px window).
  test(`${kind.name}: at 640x450 a tour's step sits beside the cluster`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?tour=figure-8&step=3');
      await page.waitFor({ css: '.tour-text', text: /^\(b\)/ });
      const at = await page.evaluate(() => {
        const box = (css) => document.querySelector(css).getBoundingClientRect();
        return { tour: box('.tour').right, cluster: box('.cluster-stack').left, top: box('.cluster-stack').top,
          stepTop: box('.tour').top, view: innerHeight };
      });
      assert.ok(at.tour <= at.cluster, JSON.stringify(at));
      assert.ok(Math.abs(at.top - at.stepTop) < 20 && at.top < at.view / 2, JSON.stringify(at));
      assert.deepEqual(page.errors, []);
    }, { width: 640, height: 450 });
  });

  // From the keyboard, the focus stays where the reader is: on the button
  // a pressed one turned into, or on the region around one that went away
  // or greyed (it fell to the page's body, and a second Enter on Resume's
  // old element restarted the server: a page tester).
  test(`${kind.name}: the focus stays put as pressed buttons turn over or go`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      const focused = () => page.evaluate(() => {
        const a = document.activeElement;
        return a === document.body ? 'body' : `${a.tagName.toLowerCase()} ${a.textContent.trim().slice(0, 40)}`;
      });
      const enterOn = async (label) => {
        await page.evaluate((t) => [...document.querySelectorAll('button')]
          .find((b) => b.textContent.trim() === t).focus(), label);
        await page.press('Enter');
        await page.sleep(300);
      };
      await page.goto(url + '/?seed=4&paused=1');
      await page.waitFor('g.node[aria-label^="Node 2,"]');
      await page.evaluate(() => document.querySelector('g.node[aria-label^="Node 2,"]').focus());
      await page.press('Enter');
      await page.waitFor(button('Stop'));
      await enterOn('Stop');
      assert.equal(await focused(), 'button Resume');
      await enterOn('Resume');
      assert.equal(await focused(), 'button Stop');
      await enterOn('Clock 30% slow');
      assert.equal(await focused(), 'button Exact clock');
      await enterOn('Exact clock');
      assert.equal(await focused(), 'button Clock 30% slow');
      // Undo goes with the notice: the picture, which held it, has the focus.
      await enterOn('Reset');
      await enterOn('Undo');
      assert.match(await focused(), /^section /);
      assert.ok(await page.evaluate(() => document.activeElement.matches('section.picture')));
      // A tour's Back greys at the first step; "End the tour" goes.
      await page.goto(url + '/?tour=leader-election&step=2&paused=1');
      await page.waitFor('section.tour');
      await enterOn('\u2190 Back');
      assert.ok(await page.evaluate(() => document.activeElement.matches('section.tour')), await focused());
      await enterOn('End the tour');
      assert.ok(await page.evaluate(() => document.activeElement.matches('section.picture')), await focused());
      // The Experiments view takes it at its heading.
      await enterOn('Experiments');
      await page.waitFor('main.experiments > h2');
      await page.waitForFunction(() => document.activeElement.matches('main.experiments > h2'));
      assert.deepEqual(page.errors, []);
    });
  });

  // Keys on a network slider show each value and make one action once
  // they rest (ten presses of an arrow were ten actions and ten lines in
  // the event log, a page tester); a pointer's drag is still one on
  // release (the other tests).
  test(`${kind.name}: keys on a network slider make one action once they rest`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=4&paused=1');
      await page.waitFor({ css: '.timeline-note', text: '0 actions recorded' });
      await page.evaluate(() => document.querySelector('input[aria-label="Loss"]').focus());
      for (let i = 0; i < 10; i++) await page.press('ArrowRight');
      await page.waitFor({ css: '.network output', text: '10%' });
      await page.waitFor({ css: '.timeline-note', text: '1 action recorded' });
      await page.sleep(800);
      assert.equal(await page.text('.timeline-note'), '1 action recorded');
      assert.deepEqual(page.errors, []);
    });
  });

  // Arrow keys on a closed menu walk its choices; Enter or Tab makes the
  // choice, and Escape or leaving by the pointer puts the one in force
  // back. (Each arrow opened a tour, or recorded a Reads action: both
  // browsers fire `change` per key, a page tester.) A choice without keys
  // acts at once; a choice of the value in force does nothing; and the menu
  // shows the value in force after a rewind (it kept showing the last
  // pick, a second tester).
  test(`${kind.name}: arrow keys on a menu choose, Enter applies`, async () => {
    await withPage(kind, DIST, async ({ url, page }) => {
      await page.goto(url + '/?seed=4&paused=1');
      await page.waitFor({ css: '.timeline-note', text: '0 actions recorded' });
      await page.evaluate(() => document.querySelector('.tour-menu').focus());
      await page.press('ArrowDown');
      await page.press('ArrowDown');
      await page.sleep(400);
      assert.equal(await page.count('section.tour'), 0, 'no tour opened on the way');
      assert.ok(!(await page.url()).includes('tour='));
      const second = await page.evaluate(() => document.querySelector('.tour-menu').options[2].value);
      await page.press('Enter');
      await page.waitFor({ css: '.tour-step', text: 'step 1 of' });
      assert.ok((await page.url()).includes(`tour=${second}`), await page.url());
      // Down and up again, then Tab: the tour in force, not opened again.
      await page.click(button('Next →'));
      await page.waitFor({ css: '.tour-step', text: 'step 2 of' });
      await page.evaluate(() => document.querySelector('.tour-menu').focus());
      await page.press('ArrowDown');
      await page.press('ArrowUp');
      await page.press('Tab');
      await page.sleep(400);
      assert.match(await page.text('.tour-step'), /^(step 2 of|playing on to step 2)/, 'the tour stays at its step');
      // Back through the tour's steps, then to the run before it: the
      // tour was an entry of its own (it replaced the run's, and Back
      // left the page).
      await page.evaluate(() => history.back());
      await page.waitFor({ css: '.tour-step', text: /^step 1 of/ });
      await page.evaluate(() => history.back());
      await page.waitFor({ css: '.timeline-note', text: '0 actions recorded' });
      assert.equal(await page.count('section.tour'), 0);
      assert.ok((await page.url()).includes('seed=4'), await page.url());

      await page.goto(url + '/?seed=4&paused=1');
      await page.waitFor({ css: '.timeline-note', text: '0 actions recorded' });
      await page.click(button('Skip 1 simulated second'));
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 1\.000 s$/ });
      const reads = 'select[aria-label="Reads"]';
      const menu = () => page.evaluate((css) => {
        const select = document.querySelector(css);
        return { shown: select.value, applied: select.dataset.applied };
      }, reads);
      const before = (await menu()).applied;
      await page.evaluate((css) => document.querySelector(css).focus(), reads);
      await page.press('ArrowDown');
      await page.sleep(300);
      assert.equal((await menu()).applied, before, 'not applied while walking');
      await page.press('Escape');
      assert.deepEqual(await menu(), { shown: before, applied: before }, 'Escape puts it back');
      await page.press('ArrowDown');
      await page.press('ArrowDown');
      await page.press('Tab');
      await page.waitFor({ css: '.timeline-note', text: '1 action recorded' });
      const chosen = (await menu()).applied;
      assert.notEqual(chosen, before, 'applied by Tab');

      // A key's choice, then a pick of the value in force: nothing more.
      await page.evaluate((css) => document.querySelector(css).focus(), reads);
      await page.press('ArrowDown');
      await page.evaluate((css) => {
        const select = document.querySelector(css);
        select.value = select.dataset.applied;
        select.dispatchEvent(new Event('change', { bubbles: true }));
        select.blur();
      }, reads);
      await page.sleep(300);
      assert.equal(await page.text('.timeline-note'), '1 action recorded');
      assert.deepEqual(await menu(), { shown: chosen, applied: chosen });

      // Chromium opens the list with Space, and a pick in it (its keys go
      // to the list, not the menu) acts at once: Space counted as a key's
      // choice left it waiting (a review). Firefox's list takes no keys
      // from WebDriver.
      if (kind.name === 'chromium') {
        await page.evaluate((css) => document.querySelector(css).focus(), reads);
        await page.press('Space');
        await page.press('ArrowUp');
        await page.press('Enter');
        await page.waitFor({ css: '.timeline-note', text: '2 actions recorded' });
        await page.evaluate(() => document.activeElement.blur());
      }

      // A choice picked from the open list (no key on the menu) acts at once.
      await page.evaluate((css) => {
        const select = document.querySelector(css);
        select.value = select.options[0].value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      }, reads);
      const picked = kind.name === 'chromium' ? '3 actions recorded' : '2 actions recorded';
      await page.waitFor({ css: '.timeline-note', text: picked });

      // Back to the start (after a pick, which makes the options' `selected`
      // attributes stop counting): the menu shows the setting of then.
      await page.evaluate((css) => {
        const select = document.querySelector(css);
        select.value = select.options[2].value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      }, reads);
      await page.waitFor({ css: '.timeline-note', text: /^[34] actions recorded$/ });
      await page.setValue(labelled('Timeline'), '0');
      await page.waitFor({ ...labelled('Simulated time'), text: /^t = 0\.000 s$/ });
      await page.waitForFunction((css) => document.querySelector(css).value === document.querySelector(css).dataset.applied, reads);
      assert.equal((await menu()).applied, before, 'the setting of time 0');
      // A key's choice left by the pointer is dropped: no fork.
      await page.evaluate((css) => document.querySelector(css).focus(), reads);
      await page.press('ArrowDown');
      await page.evaluate((css) => document.querySelector(css).blur(), reads);
      await page.sleep(300);
      assert.deepEqual(await menu(), { shown: before, applied: before });
      assert.match(await page.text('.timeline-note'), /^at 0\.000 s of 1\.000 s/, 'not forked');
      assert.deepEqual(page.errors, []);
    });
  });
}
