import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { launchChromium, screenshot } from './browser'

/*
 * The example app (examples/react-app) in a real browser, as a user sees it. Each case starts from a fresh
 * browser context: an empty store, an empty mock server (its localStorage is per context).
 *
 * Cases that come with later issues (not written as skipped tests, listed here and in e2e/README.md):
 *  2. Reload while offline keeps the pending changes: make changes offline, reload, the banner still says
 *     N pending and each row keeps its badge; back online, the server gets each change once. Needs the
 *     durable outbox (persistence).
 *  3. A conflict opens the conflict dialog: edit a record on the server (server panel), change it in the
 *     app, choose "keep mine" / "keep theirs" / merge in the dialog; the server and the app agree. Needs
 *     conflict strategies with the manual path.
 *  5. Two tabs: changes made offline in one tab show as pending in the other, are sent once, and both
 *     tabs end equal to the server. Needs persistence (and its cross-tab coordination).
 */

let browser: Browser
let context: BrowserContext
let page: Page

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1200, height: 800 } })
  page = await context.newPage()
  await page.goto(inject('appUrl'))
  // The app renders once the mock server's service worker answers.
  await page.getByRole('heading', { name: 'Field inventory' }).waitFor()
})
afterEach(async () => {
  await context?.close()
})

const banner = () => page.getByRole('status')
const bannerText = () => banner().textContent()
const onlineSwitch = () => page.getByRole('switch', { name: 'Online' })
const itemRows = () => page.getByRole('list', { name: 'Items' }).getByRole('listitem')
const serverItems = () => page.getByRole('list', { name: 'Server items' }).getByRole('listitem')

async function addItem(name: string, quantity: number): Promise<void> {
  const form = page.getByRole('form', { name: 'New item' })
  await form.getByLabel('Name').fill(name)
  await form.getByLabel('Quantity').fill(String(quantity))
  await form.getByRole('button', { name: 'Add item' }).click()
}

async function failNext(failure: string, options: { retryAfter?: number } = {}): Promise<void> {
  const form = page.getByRole('form', { name: 'Make requests fail' })
  await form.getByLabel('Failure', { exact: true }).selectOption({ label: failure })
  await form.getByLabel('Requests', { exact: true }).fill('1')
  if (options.retryAfter !== undefined) await form.getByLabel('Retry-After (s)').fill(String(options.retryAfter))
  await form.getByRole('button', { name: 'Fail next requests' }).click()
}

describe('the example app in Chromium', () => {
  it('1. keeps three items made offline as pending, then sends them when the browser is back online', async () => {
    expect(await onlineSwitch().getAttribute('aria-checked')).toBe('true')
    expect(await banner().getAttribute('aria-live')).toBe('polite')

    // The browser itself goes offline; the app's switch follows.
    await context.setOffline(true)
    await expect.poll(() => onlineSwitch().getAttribute('aria-checked')).toBe('false')
    await expect.poll(bannerText).toBe('Offline')

    await addItem('Rope (20 m)', 4)
    await addItem('Tarp', 2)
    await addItem('Lantern', 6)

    await expect.poll(bannerText).toBe('Offline · 3 pending')
    expect(await itemRows().count()).toBe(3)
    for (const row of await itemRows().all()) expect(await row.getByText('Pending', { exact: true }).isVisible()).toBe(true)
    expect(await page.getByRole('list', { name: 'Server items' }).count()).toBe(0)
    await screenshot(page, 'case1-1-offline-three-pending')
    // `E2E_DOCS_SCREENSHOT=1 npm run e2e` refreshes the README's picture of the app.
    if (process.env.E2E_DOCS_SCREENSHOT) await page.screenshot({ path: 'docs/app.png', clip: { x: 0, y: 0, width: 1200, height: 460 } })

    await context.setOffline(false)
    await expect.poll(() => onlineSwitch().getAttribute('aria-checked')).toBe('true')
    await expect.poll(bannerText).toBe('')
    expect(await page.getByText('Pending', { exact: true }).count()).toBe(0)
    await expect.poll(() => serverItems().allTextContents()).toEqual([
      expect.stringContaining('Rope (20 m) × 4'),
      expect.stringContaining('Tarp × 2'),
      expect.stringContaining('Lantern × 6'),
    ])
    await screenshot(page, 'case1-2-online-synced')
  })

  it('4. shows the retry countdown through a 500 and a 429 with Retry-After, then clears with nothing lost', async () => {
    await failNext('500 Internal Server Error')
    await failNext('429 Too Many Requests', { retryAfter: 5 })
    await expect.poll(() => page.getByText('2 requests will fail.').count()).toBe(1)

    await addItem('Headlamp', 3)

    // After the 500 a short backoff, then the 429 asks for 5 seconds: the banner counts them down.
    await expect.poll(bannerText, { timeout: 5000 }).toMatch(/^Waiting to retry · 1 pending · retry in [45] s$/)
    const first = Number((await bannerText())!.match(/retry in (\d) s/)![1])
    expect(await itemRows().first().getByText('Pending', { exact: true }).isVisible()).toBe(true)
    await screenshot(page, 'case4-1-retry-countdown')
    await expect.poll(bannerText, { timeout: 3000 }).toBe(`Waiting to retry · 1 pending · retry in ${first - 1} s`)

    await expect.poll(bannerText, { timeout: 10_000 }).toBe('')
    expect(await page.getByText('Pending', { exact: true }).count()).toBe(0)
    expect(await serverItems().allTextContents()).toEqual([expect.stringContaining('Headlamp × 3')])
    expect(await page.getByRole('list', { name: 'Recent requests' }).getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(/^POST \/items → 201/),
      expect.stringMatching(/^POST \/items → 429 \(injected\)/),
      expect.stringMatching(/^POST \/items → 500 \(injected\)/),
    ])
    expect(await page.getByRole('region', { name: 'Not saved' }).count()).toBe(0)
    await screenshot(page, 'case4-2-saved-after-retries')
  })
})
