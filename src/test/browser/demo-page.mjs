// The demo page as a person uses it, in its own browser context (its own cookies and credentials).

/** Waits that are deadlines for something to happen, not assertions about time. */
const PAGE_DEADLINE_MS = 60_000;

/** A page in its own browser context, collecting the page's uncaught exceptions. */
export class BrowserPage {
  /** Uncaught exceptions in the page; a correct page has none. */
  errors = [];

  constructor(context, page) {
    this.context = context;
    this.page = page;
    page.setDefaultTimeout(PAGE_DEADLINE_MS);
    page.on('pageerror', (error) => this.errors.push(error));
  }

  async screenshot(path) {
    await this.page.screenshot({ path, fullPage: true });
  }

  async close() {
    await this.context.close();
  }
}

export class DemoPage extends BrowserPage {

  /**
   * Opens the demo in a fresh browser context.
   * @param {(page: import('playwright-core').Page) => Promise<unknown>} [prepare] runs before the page loads
   */
  static async open(browser, url, prepare = async () => {}) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.addInitScript(recordStates);
    const page = await context.newPage();
    await prepare(page);
    await page.goto(url);
    return new DemoPage(context, page);
  }

  /** Clicks the user's sign-in button and waits until the page shows the connection as up. */
  async signIn(user) {
    await this.page.click(`#signin button[data-user="${user}"]`);
    await this.waitForState('open');
  }

  /**
   * @param {'open' | 'reconnecting' | 'final' | 'connecting' | 'signed-out'} state
   * @param {number} [timeout]
   */
  async waitForState(state, timeout = PAGE_DEADLINE_MS) {
    await this.page.waitForSelector(`#state[data-state="${state}"]`, { timeout });
  }

  /** Waits until the connection state shows this text (a substring). */
  async waitForStateText(text, timeout = PAGE_DEADLINE_MS) {
    await this.page.locator('#state', { hasText: text }).waitFor({ timeout });
  }

  /** @returns {Promise<string>} the connection state as shown */
  stateText() {
    return this.page.textContent('#state');
  }

  /** @returns {Promise<string>} the connection state's `data-state` */
  state() {
    return this.page.getAttribute('#state', 'data-state');
  }

  /** @returns {Promise<string[]>} every connection state this document showed, `state: text`, repeats folded */
  states() {
    return this.page.evaluate(() => window.heraldDemoStates);
  }

  /** Sends with the page's form; `to` is a user id or '' for everyone. Resolves with the shown API result. */
  async send({ to, type = 'INFO', text }) {
    await this.page.selectOption('#send-to', String(to));
    await this.page.fill('#send-type', type);
    await this.page.fill('#send-text', text);
    return this.#submitAndReadResult('#send-form button[type="submit"]');
  }

  /** Presses Join next to the demo topic and waits until the server took the subscription. */
  async joinTopic() {
    await this.page.click('#topic-toggle');
    await this.page.waitForSelector('#topic-state[data-state="in"]');
  }

  /** Runs the MFA flow for a user id. Resolves with the shown API result. */
  async requireMfa(to) {
    await this.page.selectOption('#mfa-to', String(to));
    return this.#submitAndReadResult('#mfa-form button[type="submit"]');
  }

  /** Waits until a notification with this text is in the feed. */
  async waitForNotification(text) {
    await this.page.locator('#feed li').filter({ has: this.page.locator('.text', { hasText: text }) }).first().waitFor();
  }

  /** @returns {Promise<{type: string, text: string}[]>} the feed, oldest first */
  async feed() {
    const items = await this.page.$$eval('#feed li', (lis) => lis.map((li) => ({ type: li.dataset.type, text: li.dataset.text })));
    return items.reverse();
  }

  /** @returns {import('playwright-core').Locator} the MFA code prompt */
  get mfaPrompt() {
    return this.page.locator('#mfa-prompt');
  }

  async #submitAndReadResult(button) {
    const before = await this.page.locator('#results li').count();
    await this.page.click(button);
    await this.page.waitForFunction((n) => document.querySelectorAll('#results li').length > n, before);
    return this.page.$eval('#results li:first-child', (li) => ({
      status: Number(li.dataset.status),
      code: li.dataset.code,
      text: li.innerText,
    }));
  }
}

/** Runs in the page before its scripts: records each connection state shown (for `states()`). */
function recordStates() {
  window.heraldDemoStates = [];
  document.addEventListener('DOMContentLoaded', () => {
    const state = document.getElementById('state');
    if (!state) return;
    const record = () => {
      // The countdown rewrites "reconnecting in N s" four times a second: one entry per attempt.
      const shown = `${state.dataset.state}: ${state.textContent.replace(/^reconnecting (in \d+ s|now)/, 'reconnecting')}`;
      if (window.heraldDemoStates.at(-1) !== shown) window.heraldDemoStates.push(shown);
    };
    record();
    new MutationObserver(record).observe(state, { attributes: true, childList: true, characterData: true, subtree: true });
  });
}
