// Screenshots of the snapshot parts of the page, for a person to look at:
//   node scripts/shot-snapshots.mjs OUT_DIR [dist]
// the tour "snapshot-catch-up" at a chunk in flight (step 5) and at the
// install (step 8): the cluster with the parcel, the log table's blocks,
// the message diagram and the Snapshots menu.
import { withBrowser } from '../tests/e2e/serve.mjs';

const out = process.argv[2] || '/tmp/shots';
const dist = process.argv[3] || 'dist';
await withBrowser(dist, async ({ browser, url }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  for (const step of [5, 6, 8]) {
    await page.goto(`${url}/?tour=snapshot-catch-up&step=${step}`);
    await page.waitForSelector(`text=step ${step} of`);
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${out}/tour-step-${step}.png`, fullPage: true });
    await page.locator('svg.cluster.moving').screenshot({ path: `${out}/cluster-step-${step}.png` });
    await page.locator('.log-table').screenshot({ path: `${out}/logs-step-${step}.png` });
    await page.locator('section.sequence').screenshot({ path: `${out}/sequence-step-${step}.png` });
  }
  await page.locator('.panel.network').screenshot({ path: `${out}/network-panel.png` });
});
