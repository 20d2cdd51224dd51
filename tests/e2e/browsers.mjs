// A small browser-neutral driver for the end-to-end tests: the handful of
// operations they use, implemented twice, over playwright-core (Debian's
// Chromium) and over selenium-webdriver + geckodriver (Debian's Firefox ESR).
// Neither ever downloads a browser or a driver: both are given by path.
//
//   for (const kind of browsers()) test(`${kind.name}: ...`, () =>
//     withPage(kind, 'dist', async ({ url, page }) => { await page.goto(url); ... }));
//
// A target is a CSS selector, or { css, name, text, nth }: `name` is the
// exact accessible name (aria-label, else the whitespace-collapsed text),
// `text` a substring or RegExp of the collapsed text, `nth` which match
// (default the first). Both browsers find elements with the same page-side
// function (`pageOp`), so a target means the same thing in each.
//
// One page per browser: withPage launches a fresh browser for each test.
// E2E_BROWSERS=chromium (or firefox) runs one of them only; GECKODRIVER and
// FIREFOX (default /usr/bin/firefox-esr), CHROMIUM (/usr/bin/chromium) name
// the binaries.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve } from './serve.mjs';

// As Playwright's own default, for every wait that names no timeout.
const DEFAULT_TIMEOUT = 30000;

/** The browsers to test in: [{ name, launch }]. */
export function browsers() {
  const all = [
    { name: 'chromium', launch: launchChromium },
    { name: 'firefox', launch: () => launchOnceMore(launchFirefox) },
  ];
  const only = (process.env.E2E_BROWSERS || '').split(',').map((s) => s.trim()).filter(Boolean);
  return only.length ? all.filter((b) => only.includes(b.name)) : all;
}

/** A browser that fails to start (its driver's connection reset on this
 *  shared machine) is started once more, said as a TAP comment; a second
 *  failure fails the test. */
async function launchOnceMore(launch) {
  try {
    return await launch();
  } catch (e) {
    console.log(`# the browser did not start (${e.message}): starting it once more`);
    return launch();
  }
}

/** Target helpers in the manner of Playwright's getByRole / getByLabel. */
export const button = (name) => ({ css: 'button', name });
export const labelled = (name) => ({ css: `[aria-label="${name}"]` });
export const dialog = (name) => ({ css: '[role=dialog]', name });

/** Serves `dir`, launches `kind`, opens one page (viewport `size`), runs
 *  `body({ url, page, browser })`, and always closes all of it. */
export async function withPage(kind, dir, body, size = { width: 1280, height: 900 }) {
  const server = await serve(dir);
  let browser;
  try {
    browser = await kind.launch();
    const page = await browser.newPage(size);
    return await body({ url: server.url, page, browser });
  } finally {
    if (browser) await browser.close();
    server.stop();
  }
}

// ---- page side, shared by both browsers ----------------------------------

/* Runs in the page (or a frame): finds elements by target and reads or
 * sets them. Self-contained: both drivers send its source text. */
function pageOp([op, t, extra]) {
  const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const all = () => {
    let els = [...document.querySelectorAll(t.css)];
    if (t.name != null) {
      els = els.filter((e) => norm(e.getAttribute('aria-label') ?? e.textContent) === t.name);
    }
    if (t.text != null) {
      const re = t.text.re != null ? new RegExp(t.text.re, t.text.flags) : null;
      els = els.filter((e) => (re ? re.test(norm(e.textContent)) : norm(e.textContent).includes(t.text.sub)));
    }
    return els;
  };
  const one = () => all()[t.nth || 0] || null;
  const e = op === 'count' ? null : one();
  switch (op) {
    case 'element': return e;
    case 'attached': return e !== null;
    case 'visible': {
      if (!e) return false;
      const style = getComputedStyle(e);
      return e.getClientRects().length > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    }
    case 'count': return all().length;
    case 'text': return e ? { v: e.textContent } : null;
    case 'attr': return e ? { v: e.getAttribute(extra) } : null;
    case 'value': return e ? { v: e.value } : null;
    case 'set-value': {
      if (!e) return null;
      e.value = extra;
      e.dispatchEvent(new Event('input', { bubbles: true }));
      e.dispatchEvent(new Event('change', { bubbles: true }));
      return { v: true };
    }
    default: throw new Error(`pageOp: unknown op ${op}`);
  }
}

function toTarget(target) {
  const t = typeof target === 'string' ? { css: target } : { ...target };
  if (t.text instanceof RegExp) t.text = { re: t.text.source, flags: t.text.flags };
  else if (t.text != null) t.text = { sub: String(t.text) };
  return t;
}

const describe = (target) => JSON.stringify(toTarget(target));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* The operations common to a page and a frame, over two primitives the
 * implementations give: run(fn, arg) evaluates fn(arg) in the document,
 * element(t) returns a clickable handle. */
class Scope {
  /** Polls fn(arg) in the page until it is truthy; returns that value. */
  async waitForFunction(fn, arg, { timeout = DEFAULT_TIMEOUT, interval = 50 } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await this.run(fn, arg);
        if (last) return last;
      } catch (e) {
        // A page in the middle of navigating cannot evaluate; retry.
        if (Date.now() > deadline) throw e;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeout} ms waiting for ${String(fn).slice(0, 200)} (${JSON.stringify(arg)})`);
      }
      await sleep(interval);
    }
  }

  async #op(op, target, extra, timeout) {
    const t = toTarget(target);
    try {
      const r = await this.waitForFunction(pageOp, [op, t, extra], { timeout });
      return r.v;
    } catch (e) {
      throw new Error(`${op} ${describe(target)}: ${e.message}`);
    }
  }

  /** Waits until the target is there and visible (state 'attached': there). */
  async waitFor(target, { timeout = DEFAULT_TIMEOUT, state = 'visible' } = {}) {
    try {
      await this.waitForFunction(pageOp, [state, toTarget(target)], { timeout });
    } catch (e) {
      throw new Error(`waitFor ${describe(target)}: ${e.message}`);
    }
  }

  /** Scrolls the first match of `css` into view, as a person does to read
   * it: the sections below the picture are drawn only while in view. */
  lookAt(css) {
    return this.run((c) => {
      const e = document.querySelector(c);
      if (e) e.scrollIntoView();
      return true;
    }, css);
  }

  evaluate(fn, arg) { return this.run(fn, arg); }
  count(target) { return this.run(pageOp, ['count', toTarget(target)]); }
  text(target, { timeout } = {}) { return this.#op('text', target, undefined, timeout); }
  attr(target, name, { timeout } = {}) { return this.#op('attr', target, name, timeout); }
  value(target, { timeout } = {}) { return this.#op('value', target, undefined, timeout); }
  /** Sets an input's value (a range slider, say) and fires input and change. */
  setValue(target, value) { return this.#op('set-value', target, String(value)); }

  async click(target, { timeout = DEFAULT_TIMEOUT } = {}) {
    await this.waitFor(target, { timeout });
    await this.clickElement(toTarget(target));
  }

  /** Replaces an input's or textarea's text, as typing would. */
  async fill(target, text, { timeout = DEFAULT_TIMEOUT } = {}) {
    await this.waitFor(target, { timeout });
    await this.fillElement(toTarget(target), text);
  }

  /** Gives a file input a file (written under target/e2e-files). */
  async setInputFile(target, { name, buffer }, { timeout = DEFAULT_TIMEOUT } = {}) {
    const path = resolve('target/e2e-files', `${Date.now()}-${name}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, buffer);
    await this.waitFor(target, { timeout, state: 'attached' });
    await this.uploadElement(toTarget(target), path);
  }
}

// ---- Chromium over playwright-core ----------------------------------------

async function launchChromium() {
  const { launch } = await import('./serve.mjs');
  const browser = await launch();
  return {
    name: 'chromium',
    // `touch: true` emulates a phone's finger (pointer: coarse).
    async newPage({ touch = false, ...size }) {
      const page = await browser.newPage({ viewport: size, hasTouch: touch, isMobile: touch });
      return new PlaywrightPage(page);
    },
    close: () => browser.close(),
  };
}

class PlaywrightScope extends Scope {
  constructor(mainFrame) { super(); this.mainFrame = mainFrame; }
  async currentFrame() { return this.mainFrame; }
  async run(fn, arg) { return (await this.currentFrame()).evaluate(fn, arg); }
  async handle(t) {
    const h = await (await this.currentFrame()).evaluateHandle(pageOp, ['element', t]);
    const el = h.asElement();
    if (!el) throw new Error(`no element for ${JSON.stringify(t)}`);
    return el;
  }
  async clickElement(t) { await (await this.handle(t)).click(); }
  async fillElement(t, text) { await (await this.handle(t)).fill(text); }
  async uploadElement(t, path) { await (await this.handle(t)).setInputFiles(path); }
}

class PlaywrightFrame extends PlaywrightScope {
  constructor(page, selector) { super(null); this.page = page; this.selector = selector; }
  async currentFrame() {
    const iframe = await this.page.waitForSelector(this.selector, { state: 'attached' });
    const frame = await iframe.contentFrame();
    if (!frame) throw new Error(`${this.selector} has no frame`);
    return frame;
  }
}

class PlaywrightPage extends PlaywrightScope {
  constructor(page) {
    super(page.mainFrame());
    this.page = page;
    this.errors = [];
    this.warnings = [];
    this.requests = [];
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(m.text());
      if (m.type() === 'warning') this.warnings.push(m.text());
    });
    page.on('pageerror', (e) => this.errors.push(String(e)));
    page.on('request', (r) => this.requests.push(r.url()));
  }
  goto(url) { return this.page.goto(url); }
  url() { return this.page.url(); }
  press(key) { return this.page.keyboard.press(key); }
  sleep(ms) { return sleep(ms); }
  frame(selector) { return new PlaywrightFrame(this.page, selector); }
  /** Runs fn(arg) in every document before its own scripts. */
  addInitScript(fn, arg) { return this.page.addInitScript(fn, arg); }
  async setViewport(size) { await this.page.setViewportSize(size); }
  async screenshot(path, { fullPage = false } = {}) {
    mkdirSync(dirname(path), { recursive: true });
    await this.page.screenshot({ path, fullPage });
  }
}

// ---- Firefox over selenium-webdriver (geckodriver, WebDriver BiDi) ---------

export function geckodriverPath() {
  if (process.env.GECKODRIVER) return process.env.GECKODRIVER;
  const home = `${process.env.HOME}/.cargo/bin/geckodriver`;
  if (existsSync(home)) return home;
  try {
    return execFileSync('sh', ['-c', 'command -v geckodriver'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('geckodriver not found: run scripts/install.sh --web (or set GECKODRIVER)');
  }
}

async function launchFirefox() {
  const { Builder, Browser } = await import('selenium-webdriver');
  const firefox = await import('selenium-webdriver/firefox.js');
  const { getBidiConnection } = await import('selenium-webdriver/lib/bidi_connection.js');
  const options = new firefox.Options()
    .setBinary(process.env.FIREFOX || '/usr/bin/firefox-esr')
    .addArguments('-headless')
    .enableBidi()
    // Quiet: no update checks, telemetry or first-run pages.
    .setPreference('app.update.disabledForTesting', true)
    .setPreference('browser.shell.checkDefaultBrowser', false)
    .setPreference('datareporting.policy.dataSubmissionEnabled', false)
    .setPreference('toolkit.telemetry.reportingpolicy.firstRun', false);
  const service = new firefox.ServiceBuilder(geckodriverPath());
  const driver = await new Builder()
    .forBrowser(Browser.FIREFOX)
    .setFirefoxOptions(options)
    .setFirefoxService(service)
    .build();
  let bidi;
  try {
    bidi = await getBidiConnection(driver);
    // Its WebSocket handshake can fail ("read ECONNRESET", seen once in a
    // fresh-clone CI run): found here, the caller starts another browser.
    await bidi.waitForConnection();
  } catch (e) {
    try { await driver.quit(); } catch { /* already gone */ }
    throw e;
  }
  let opened = false;
  return {
    name: 'firefox',
    async newPage(size) {
      // One page per session: the driver's first window.
      if (opened) throw new Error('firefox: one page per browser in these tests');
      opened = true;
      const page = new SeleniumPage(driver, bidi);
      await page.init(size);
      return page;
    },
    async close() {
      try { await driver.quit(); } catch { /* already gone */ }
    },
  };
}

const SELENIUM_KEYS = {
  ArrowRight: 'ARROW_RIGHT', ArrowLeft: 'ARROW_LEFT', ArrowUp: 'ARROW_UP', ArrowDown: 'ARROW_DOWN',
  Escape: 'ESCAPE', Enter: 'ENTER', Tab: 'TAB', Backspace: 'BACK_SPACE', Space: 'SPACE',
  Home: 'HOME', End: 'END', PageUp: 'PAGE_UP', PageDown: 'PAGE_DOWN',
};

class SeleniumScope extends Scope {
  constructor(driver) { super(); this.driver = driver; }
  /** Runs body() with the driver in this scope's document. */
  async inside(body) { return body(); }
  run(fn, arg) {
    return this.inside(() => this.driver.executeScript(`return (${fn}).apply(null, arguments)`, arg));
  }
  async element(t) {
    const el = await this.driver.executeScript(`return (${pageOp}).apply(null, arguments)`, ['element', t]);
    if (!el) throw new Error(`no element for ${JSON.stringify(t)}`);
    return el;
  }
  clickElement(t) {
    return this.inside(async () => (await this.element(t)).click());
  }
  fillElement(t, text) {
    return this.inside(async () => {
      const { Key } = await import('selenium-webdriver');
      const el = await this.element(t);
      // Not el.clear(): it empties the field without an input event, so an
      // app that keeps the text in its state (Yew's value=) puts it back.
      // Select all and delete, as a person would, then type.
      await el.sendKeys(Key.chord(Key.CONTROL, 'a'), Key.BACK_SPACE);
      await el.sendKeys(text);
    });
  }
  uploadElement(t, path) {
    return this.inside(async () => (await this.element(t)).sendKeys(path));
  }
}

class SeleniumFrame extends SeleniumScope {
  constructor(driver, selector) { super(driver); this.selector = selector; }
  async inside(body) {
    const { By } = await import('selenium-webdriver');
    const iframe = await this.driver.findElement(By.css(this.selector));
    await this.driver.switchTo().frame(iframe);
    try {
      return await body();
    } finally {
      await this.driver.switchTo().defaultContent();
    }
  }
}

class SeleniumPage extends SeleniumScope {
  constructor(driver, bidi) {
    super(driver);
    this.bidi = bidi;
    this.errors = [];
    this.warnings = [];
    this.requests = [];
  }

  async init(size) {
    // Events arrive on the BiDi connection, an EventEmitter by method name.
    this.bidi.on('log.entryAdded', (p) => {
      // 'console' entries at level error (console.error), and 'javascript'
      // entries: uncaught exceptions, as Playwright's pageerror.
      if (p.level === 'error' && (p.type === 'console' || p.type === 'javascript')) this.errors.push(p.text);
      if (p.level === 'warn' && p.type === 'console') this.warnings.push(p.text);
    });
    this.bidi.on('network.beforeRequestSent', (p) => this.requests.push(p.request.url));
    await this.bidi.subscribe(['log.entryAdded', 'network.beforeRequestSent']);
    await this.setViewport(size);
  }

  async #bidi(method, params) {
    const r = await this.bidi.send({ method, params });
    if (r.type === 'error' || r.error) throw new Error(`BiDi ${method}: ${r.error} ${r.message || ''}`);
    return r.result;
  }

  goto(url) { return this.driver.get(url); }
  url() { return this.driver.getCurrentUrl(); }
  sleep(ms) { return sleep(ms); }
  frame(selector) { return new SeleniumFrame(this.driver, selector); }

  async press(key) {
    const { Key } = await import('selenium-webdriver');
    const k = SELENIUM_KEYS[key] ? Key[SELENIUM_KEYS[key]] : key;
    await this.driver.actions().sendKeys(k).perform();
  }

  async addInitScript(fn, arg) {
    const functionDeclaration = arg === undefined
      ? `${fn}`
      : `() => (${fn})(${JSON.stringify(arg)})`;
    await this.#bidi('script.addPreloadScript', { functionDeclaration });
  }

  /** Sizes the window so that the page's viewport is `size`. */
  async setViewport({ width, height }) {
    const win = this.driver.manage().window();
    await win.setRect({ width, height });
    const inner = await this.driver.executeScript('return [window.innerWidth, window.innerHeight]');
    if (inner[0] !== width || inner[1] !== height) {
      await win.setRect({ width: 2 * width - inner[0], height: 2 * height - inner[1] });
    }
  }

  async screenshot(path, { fullPage = false } = {}) {
    mkdirSync(dirname(path), { recursive: true });
    let png;
    if (fullPage) {
      const context = await this.driver.getWindowHandle();
      png = (await this.#bidi('browsingContext.captureScreenshot', { context, origin: 'document' })).data;
    } else {
      png = await this.driver.takeScreenshot();
    }
    writeFileSync(path, Buffer.from(png, 'base64'));
  }
}

/** Records every Content-Security-Policy violation in window.cspViolations
 *  (the page's errors and requests the driver records itself). */
export async function watchCsp(page) {
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

/** Runs `body(dir)` on a copy of the site in `dist` without `missing` (a
 *  file that did not load: a dropped connection), removed afterwards. */
export async function withoutFile(dist, missing, body) {
  const broken = mkdtempSync(join(tmpdir(), 'raft-without-'));
  try {
    cpSync(dist, broken, { recursive: true });
    rmSync(join(broken, missing));
    await body(broken);
  } finally {
    rmSync(broken, { recursive: true, force: true });
  }
}
