// Times the Experiments view's runs in the release page, in headless
// Chromium and Firefox (tests/e2e/browsers.mjs), from the click to the
// results, and prints the page's own figure ("Done: N trials in S s").
// In Chromium it also prints the main-thread tasks from the click until
// the results are drawn: those of 50 ms or more that the Long Tasks API
// reports (a PerformanceObserver for 'longtask'), and, from a Chromium
// trace of the run (its 'toplevel' RunTask events on the page's main
// thread, which the Long Tasks API does not report under 50 ms), the
// longest task and how many took over 16 ms, in wall time and, beside it,
// the main thread's own CPU time in it (on a loaded machine a task's wall
// time includes the time the thread waited for a core). While tracing, the script
// clicks and waits from inside the page (no polling), so that the
// driver's own work is not among the tasks.
//   node scripts/time-experiments.mjs [dist] [setting...]
// A setting is a button's words; by default Figure 16's two and the
// PreVote/CheckQuorum comparison's two. E2E_BROWSERS=chromium runs one
// browser only.
import { browsers, button, labelled, withPage } from '../tests/e2e/browsers.mjs';

const [dist = 'dist', ...asked] = process.argv.slice(2);
const settings = asked.length ? asked : [
  'Quick run: 100 trials per line', "The paper's counts: 1,000 per line",
  'Quick run: 40 seeds per combination', '250 seeds per combination',
];

/** Tasks on the page's main thread (CrRendererMain) in a Chromium trace:
 *  [wall ms, thread CPU ms] of each, longest first. */
function mainThreadTasks(trace) {
  const events = JSON.parse(trace).traceEvents || [];
  const main = new Set(events
    .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map((e) => `${e.pid}:${e.tid}`));
  return events
    .filter((e) => e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && main.has(`${e.pid}:${e.tid}`))
    .map((e) => [e.dur / 1000, (e.tdur ?? e.dur) / 1000])
    .sort((a, b) => b[0] - a[0]);
}

const ms = ([wall, cpu]) => `${wall.toFixed(1)} (CPU ${cpu.toFixed(1)})`;

/** In the page: clicks the button named `name`, then resolves once the
 *  status line `status` starts with "Done:" and no piece of the results is
 *  left to draw (three frames without a change to the view). */
function clickAndWait([name, status]) {
  const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const button = [...document.querySelectorAll('button')].find((b) => norm(b.textContent) === name);
  const line = () => document.querySelector(`[aria-label="${status}"]`);
  return new Promise((resolve) => {
    let quiet = 0;
    const changed = new MutationObserver(() => { quiet = 0; });
    changed.observe(document.getElementById('studio'), { subtree: true, childList: true, characterData: true, attributes: true });
    const frame = () => {
      quiet += 1;
      if (norm(line()?.textContent).startsWith('Done:') && quiet > 3) {
        changed.disconnect();
        resolve(norm(line().textContent));
      } else {
        requestAnimationFrame(frame);
      }
    };
    button.click();
    requestAnimationFrame(frame);
  });
}

for (const kind of browsers()) {
  for (const setting of settings) {
    await withPage(kind, dist, async ({ url, page }) => {
      // Chromium reports main-thread tasks over 50 ms (Long Tasks API).
      await page.addInitScript?.(() => {
        window.longTasks = null; // not in a browser without the Long Tasks API
        if (PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
          window.longTasks = [];
          new PerformanceObserver((l) => l.getEntries().forEach((e) => window.longTasks.push([e.startTime, Math.round(e.duration)])))
            .observe({ type: 'longtask', buffered: true });
        }
      });
      await page.goto(url + '/?view=experiments');
      const statusName = /per combination/.test(setting) ? 'Comparison status' : 'Experiment status';
      const status = labelled(statusName);
      await page.waitFor({ ...status, text: 'Not run yet' });
      await page.sleep(500);
      const clickedAt = await page.evaluate(() => performance.now());
      const started = Date.now();
      // Playwright's page under the driver's (Chromium only): trace the run.
      const pw = page.page;
      const tracer = pw?.context().browser();
      let said;
      if (tracer) {
        await tracer.startTracing(pw, { categories: ['toplevel'] });
        said = await pw.evaluate(clickAndWait, [setting, statusName]);
      } else {
        await page.click(button(setting));
        await page.waitFor({ ...status, text: 'Done:' }, { timeout: 600000 });
        said = await page.text(status);
      }
      const wall = ((Date.now() - started) / 1000).toFixed(1);
      const tasks = tracer ? mainThreadTasks((await tracer.stopTracing()).toString()) : null;
      await page.sleep(300);
      // Only the tasks after the click: the page's own load is one too.
      const long = await page.evaluate((t) => window.longTasks && window.longTasks.filter(([at]) => at > t).map(([, d]) => d), clickedAt);
      const mostCpu = tasks && Math.max(...tasks.map(([, cpu]) => cpu));
      const traced = tasks
        ? `; traced: the longest main-thread task ${ms(tasks[0])} ms, ${tasks.filter(([d]) => d > 16).length} over 16 ms (of ${tasks.length}), the next longest ${tasks.slice(1, 5).map(ms).join(', ')}; the most CPU in one task ${mostCpu.toFixed(1)} ms`
        : '';
      console.log(`${kind.name}, ${setting}: ${wall} s from the click; the page says "${said.split('.').slice(0, 2).join('.')}."; main-thread tasks over 50 ms: ${long ? JSON.stringify(long) : 'not measured'}${traced}`);
    });
  }
}
