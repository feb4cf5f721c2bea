// The demo's operations page (ops/, role herald-sender) as an operator uses it: BASIC login, then watching.

import { BrowserPage } from './demo-page.mjs';

export class OpsPage extends BrowserPage {

  /** Opens ops/ in a fresh browser context that answers the BASIC challenge as `user` (password: the name). */
  static async open(browser, demoUrl, user) {
    const context = await browser.newContext({
      viewport: { width: 1200, height: 700 },
      httpCredentials: { username: user, password: user },
    });
    const page = await context.newPage();
    await page.goto(new URL('ops/', demoUrl).href);
    return new OpsPage(context, page);
  }

  /** Waits until the page has shown an answer of api/stats. */
  async waitForLive() {
    await this.page.waitForSelector('#status[data-state="live"]');
  }

  /** @returns {Promise<number>} a number as shown (NaN while the page shows none) */
  async number(id) {
    return Number(await this.page.textContent(`#${id}`));
  }

  /** @returns {Promise<number>} the samples a chart draws now */
  async samples(chart) {
    return Number(await this.page.getAttribute(`#${chart}`, 'data-samples'));
  }
}
