import { withBrowser } from './serve.mjs';
await withBrowser('dist', async ({ browser, url }) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url + '/?seed=5&paused=1');
  for (let i = 0; i < 3; i++) await page.click('[aria-label="Skip 1 simulated second"]');
  await page.click('text=Isolate leader');
  await page.click('[aria-label="Skip 1 simulated second"]');
  await page.click('text=Heal');
  await page.click('[aria-label="Skip 1 simulated second"]');
  await page.waitForTimeout(500);
  const box = await page.locator('.tmarks').boundingBox();
  await page.screenshot({ path: '/tmp/marks.png', clip: { x: 0, y: box.y - 30, width: 900, height: 90 } });
  console.log(await page.evaluate(() => [...document.querySelectorAll('.tmark')].map((m) => m.getAttribute('class') + ' ' + getComputedStyle(m).stroke).join('\n')));
});
