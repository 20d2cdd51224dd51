// Screenshots of the "What if…" panel, for a person to look at:
//   node scripts/shot-what-if.mjs OUT_DIR [dist]
// at 1280x800 and at a phone's width (390x844): the panel open and idle,
// a search in progress, and a vote-without-log-check failure found (its
// story, the timeline marks, the servers and log entries highlighted).
import { withBrowser } from '../tests/e2e/serve.mjs';

const out = process.argv[2] || '/tmp/shots';
const dist = process.argv[3] || 'dist';

async function open(page, url, on) {
  await page.goto(`${url}/?paused=1`);
  await page.locator('.what-if h2 button').click();
  await page.locator(`.what-if input[value="${on}"]`).check();
}

await withBrowser(dist, async ({ browser, url }) => {
  for (const [name, viewport] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
    const page = await browser.newPage({ viewport });
    await open(page, url, 'config-change-without-noop');
    await page.locator('.what-if').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${out}/${name}-idle.png` });
    await page.locator('.what-if').screenshot({ path: `${out}/${name}-panel-idle.png` });
    await page.getByRole('button', { name: 'Find a failure' }).click();
    await page.waitForSelector('text=seeds tried');
    await page.waitForTimeout(1200);
    await page.locator('.what-if').screenshot({ path: `${out}/${name}-panel-searching.png` });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await open(page, url, 'vote-without-log-check');
    await page.getByRole('button', { name: 'Find a failure' }).click();
    await page.waitForSelector('.failure-story', { timeout: 90000 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${out}/${name}-found.png` });
    await page.screenshot({ path: `${out}/${name}-found-full.png`, fullPage: true });
    await page.close();
  }
});
