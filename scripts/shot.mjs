// Screenshots of the release build for a person to look at:
//   node scripts/shot.mjs OUT_DIR [dist]
// the page after 6 s of running, paused with a node selected, and the embed.
import { withBrowser } from '../tests/e2e/serve.mjs';

const out = process.argv[2] || '/tmp/shots';
const dist = process.argv[3] || 'dist';
await withBrowser(dist, async ({ browser, url }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
  await page.goto(`${url}/?seed=3&load=5`);
  await page.waitForTimeout(6000);
  await page.screenshot({ path: `${out}/running.png`, fullPage: true });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.locator("g.node[data-node='2']").click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}/paused.png`, fullPage: true });
  const embed = await browser.newPage({ viewport: { width: 640, height: 560 } });
  await embed.goto(`${url}/?embed=1&tour=figure-8&step=2`);
  await embed.waitForTimeout(1500);
  await embed.screenshot({ path: `${out}/embed.png` });
});
