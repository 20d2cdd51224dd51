// Times the Experiments view's two settings in the release page, in
// headless Chromium and Firefox (tests/e2e/browsers.mjs), from the click to
// the graphs, and prints the page's own figure ("Done: N trials in S s").
//   node scripts/time-experiments.mjs [dist]   (E2E_BROWSERS=chromium: one)
import { browsers, button, labelled, withPage } from '../tests/e2e/browsers.mjs';

const dist = process.argv[2] || 'dist';
const settings = ['Quick run: 100 trials per line', "The paper's counts: 1,000 per line"];
for (const kind of browsers()) {
  for (const setting of settings) {
    await withPage(kind, dist, async ({ url, page }) => {
      // Chromium reports main-thread tasks over 50 ms (Long Tasks API).
      await page.addInitScript?.(() => {
        window.longTasks = [];
        try {
          new PerformanceObserver((l) => l.getEntries().forEach((e) => window.longTasks.push([e.startTime, Math.round(e.duration)])))
            .observe({ type: 'longtask', buffered: true });
        } catch { window.longTasks = null; /* not in this browser */ }
      });
      await page.goto(url + '/?view=experiments');
      const status = labelled('Experiment status');
      await page.waitFor({ ...status, text: 'Not run yet' });
      const clickedAt = await page.evaluate(() => performance.now());
      const started = Date.now();
      await page.click(button(setting));
      await page.waitFor({ ...status, text: 'Done:' }, { timeout: 600000 });
      const wall = ((Date.now() - started) / 1000).toFixed(1);
      await page.sleep(500);
      // Only the tasks after the click: the page's own load is one too.
      const long = await page.evaluate((t) => window.longTasks && window.longTasks.filter(([at]) => at > t).map(([, d]) => d), clickedAt);
      console.log(`${kind.name}, ${setting}: ${wall} s from the click; the page says "${(await page.text(status)).split('.')[0]}.${(await page.text(status)).split('.')[1]}"; main-thread tasks over 50 ms: ${long ? JSON.stringify(long) : 'not measured'}`);
    });
  }
}
