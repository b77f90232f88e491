import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { launchChromium, screenshot } from './browser'

/*
 * The example app (examples/react-app) in a real browser, as a user sees it. Each case starts from a fresh
 * browser context: an empty store and outbox (IndexedDB), an empty mock server (its localStorage); both
 * are per context, so two pages of one context are two tabs of one device on one server.
 *
 *  1. Offline, then online: changes made offline are pending, then sent.
 *  2. A reload keeps pending changes: a device loads the server's items (a progress bar while the first
 *     pull runs), changes them offline, reloads: still pending; online: each change sent once.
 *  3. The conflict dialog: the same field changed here and on the server asks, field by field; a change
 *     to another field merges by itself; the choice reaches the server and the app.
 *  4. 500, then 429 with Retry-After: the banner counts the retry down, nothing is lost.
 *  5. Two tabs, both offline, each changes something; both online: every change is sent once, by one
 *     tab, and both tabs end equal to the server.
 *  6. A phone-sized window (390 px): nothing scrolls sideways, and a change the server refused is listed
 *     with buttons named after its row ("Retry Rope (20 m)").
 *  7. Server-assigned ids: an order placed offline shows as not sent; online, the server numbers it and
 *     the same row (its React key is the id it was placed with) shows "Order #1"; after a reload it is
 *     still that one order.
 */

let browser: Browser
let context: BrowserContext
let page: Page
/** Contexts a case opened besides its own (another device); closed after it. */
const otherContexts: BrowserContext[] = []
const viewport = { width: 1200, height: 800 }

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})
beforeEach(async () => {
  context = await browser.newContext({ viewport })
  page = await context.newPage()
  await openApp(page)
})
afterEach(async () => {
  for (const other of otherContexts.splice(0)) await other.close()
  await context?.close()
})

/** Opens the app; it renders once the mock server's service worker answers and the stored outbox is restored. */
async function openApp(target: Page, query = ''): Promise<void> {
  await target.goto(`${inject('appUrl')}${query}`)
  await target.getByRole('heading', { name: 'Field inventory' }).waitFor()
}

const banner = (p = page) => p.getByRole('status')
const bannerText = (p = page) => banner(p).textContent()
const onlineSwitch = (p = page) => p.getByRole('switch', { name: 'Online' })
const itemRows = (p = page) => p.getByRole('list', { name: 'Items', exact: true }).getByRole('listitem')
const serverItems = (p = page) => p.getByRole('list', { name: 'Server items' }).getByRole('listitem')
const pendingBadges = (p = page) => p.getByRole('list', { name: 'Items', exact: true }).getByText('Pending', { exact: true })
const itemRow = (name: string, p = page) => itemRows(p).filter({ has: p.getByText(name, { exact: true }) })

/** The app's items as "name × quantity", in list order (a row being renamed shows its form instead). */
function itemsShown(p = page): Promise<string[]> {
  return itemRows(p).evaluateAll((rows) =>
    rows.map((row) => `${row.querySelector('.row-name')?.textContent ?? '(editing)'} × ${row.querySelector('.stepper-value')?.textContent ?? ''}`),
  )
}

/** The server panel's items as "name × quantity vN", in the order they were created. */
function serverShown(p = page): Promise<string[]> {
  return serverItems(p).evaluateAll((rows) => rows.map((row) => row.querySelector(':scope > span')?.textContent ?? '(editing)'))
}

/** The server panel's request log without pulls (its default): the writes, newest first. */
const requestLog = (p = page) => p.getByRole('list', { name: 'Recent requests' }).getByRole('listitem').allTextContents()

async function setOnline(online: boolean, p = page): Promise<void> {
  if ((await onlineSwitch(p).getAttribute('aria-checked')) !== String(online)) await onlineSwitch(p).click()
  await expect.poll(() => onlineSwitch(p).getAttribute('aria-checked')).toBe(String(online))
}

async function addItem(name: string, quantity: number, p = page): Promise<void> {
  const form = p.getByRole('form', { name: 'New item' })
  await form.getByLabel('Name').fill(name)
  await form.getByLabel('Quantity').fill(String(quantity))
  await form.getByRole('button', { name: 'Add item' }).click()
}

async function renameItem(name: string, newName: string, p = page): Promise<void> {
  await p.getByRole('button', { name: `Rename ${name}`, exact: true }).click()
  const form = p.getByRole('form', { name: `Rename ${name}` })
  await form.getByLabel('New name').fill(newName)
  await form.getByRole('button', { name: 'Save' }).click()
}

/** Edits an item in the server panel, as someone else would on the server. */
async function editOnServer(label: string, changes: { name?: string; quantity?: number }, p = page): Promise<void> {
  await p.getByRole('button', { name: `Edit ${label} on the server`, exact: true }).click()
  const form = p.getByRole('form', { name: `Edit ${label} on the server` })
  if (changes.name !== undefined) await form.getByLabel('Name').fill(changes.name)
  if (changes.quantity !== undefined) await form.getByLabel('Quantity').fill(String(changes.quantity))
  await form.getByRole('button', { name: 'Save on server' }).click()
}

const more = (name: string, p = page) => p.getByRole('button', { name: `More ${name}`, exact: true }).click()

const orderRows = (p = page) => p.getByRole('list', { name: 'Orders', exact: true }).getByRole('listitem')
/** The app's orders as "Order #n customer: quantity × item", in list order. */
const ordersShown = (p = page) => orderRows(p).evaluateAll((rows) => rows.map((row) => row.querySelector('.row-name')?.textContent ?? ''))
/** The server panel's orders as "#n customer: quantity vN". */
const serverOrders = (p = page) =>
  p.getByRole('list', { name: 'Server orders' }).getByRole('listitem').evaluateAll((rows) => rows.map((row) => row.querySelector(':scope > span')?.textContent ?? ''))

async function placeOrder(customer: string, quantity: number, p = page): Promise<void> {
  const form = p.getByRole('form', { name: 'New order' })
  await form.getByLabel('Customer').fill(customer)
  await form.getByLabel('Quantity').fill(String(quantity))
  await form.getByRole('button', { name: 'Place order' }).click()
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

  it('2. keeps changes made offline through a reload, then sends each once', async () => {
    // The server holds three items (put there in the server panel) that this device has never seen.
    await page.getByRole('button', { name: 'Add sample items on the server' }).click()
    await expect.poll(() => serverShown()).toEqual(['Tent × 2 v1', 'Sleeping bag × 5 v1', 'Camp stove × 8 v1'])

    // A second device on the same server: the server's data (localStorage) and nothing stored (IndexedDB).
    // Its first pull, from a slow server, shows a progress bar until the items are in.
    const { origins } = await context.storageState()
    const device = await browser.newContext({ viewport, storageState: { cookies: [], origins } })
    otherContexts.push(device)
    const tablet = await device.newPage()
    await openApp(tablet, '?latency=600')
    const pullProgress = tablet.getByRole('progressbar', { name: 'Loading from the server' })
    // Until the first pull lands, the list says it is loading, not that there are no items.
    const emptyText = tablet.getByRole('region', { name: 'Items' }).locator('.empty')
    await expect
      .poll(async () => [await pullProgress.isVisible(), await emptyText.textContent()], { timeout: 2000, interval: 50 })
      .toEqual([true, 'Loading…'])
    await screenshot(tablet, 'case2-1-first-pull-progress')
    await expect.poll(() => itemsShown(tablet)).toEqual(['Tent × 2', 'Sleeping bag × 5', 'Camp stove × 8'])
    await expect.poll(() => pullProgress.count()).toBe(0)
    expect(await pendingBadges(tablet).count()).toBe(0)

    // Offline: a rename, a quantity, a deletion, a new item.
    await setOnline(false, tablet)
    await renameItem('Tent', 'Tent (4 person)', tablet)
    await more('Sleeping bag', tablet)
    await tablet.getByRole('button', { name: 'Delete Camp stove', exact: true }).click()
    await addItem('Headlamp', 3, tablet)
    await expect.poll(() => bannerText(tablet)).toBe('Offline · 4 pending')
    expect(await itemsShown(tablet)).toEqual(['Tent (4 person) × 2', 'Sleeping bag × 6', 'Headlamp × 3'])
    expect(await pendingBadges(tablet).count()).toBe(3)
    await screenshot(tablet, 'case2-2-offline-four-pending')

    // A reload: the switch stays off (the app remembers it per tab) and the changes are still pending.
    await tablet.reload()
    await tablet.getByRole('heading', { name: 'Field inventory' }).waitFor()
    expect(await onlineSwitch(tablet).getAttribute('aria-checked')).toBe('false')
    await expect.poll(() => bannerText(tablet)).toBe('Offline · 4 pending')
    expect(await itemsShown(tablet)).toEqual(['Tent (4 person) × 2', 'Sleeping bag × 6', 'Headlamp × 3'])
    for (const name of ['Tent (4 person)', 'Sleeping bag', 'Headlamp'])
      expect(await itemRow(name, tablet).getByText('Pending', { exact: true }).isVisible()).toBe(true)
    expect(await serverShown(tablet)).toEqual(['Tent × 2 v1', 'Sleeping bag × 5 v1', 'Camp stove × 8 v1'])
    expect(await requestLog(tablet)).toEqual([])
    await screenshot(tablet, 'case2-3-after-reload-still-pending')

    // Online: each change is sent once (one write each, none replayed) and the server has them all.
    await setOnline(true, tablet)
    await expect.poll(() => bannerText(tablet), { timeout: 10_000 }).toBe('')
    expect(await pendingBadges(tablet).count()).toBe(0)
    await expect.poll(() => serverShown(tablet)).toEqual(['Tent (4 person) × 2 v2', 'Sleeping bag × 6 v2', 'Headlamp × 3 v1'])
    expect((await requestLog(tablet)).sort()).toEqual([
      expect.stringMatching(/^DELETE \/items\/[0-9a-f]{8}… → 204$/),
      expect.stringMatching(/^PATCH \/items\/[0-9a-f]{8}… → 200$/),
      expect.stringMatching(/^PATCH \/items\/[0-9a-f]{8}… → 200$/),
      expect.stringMatching(/^POST \/items → 201$/),
    ])
    expect(new Set(await requestLog(tablet)).size).toBe(4)
    expect(await itemsShown(tablet)).toEqual(['Tent (4 person) × 2', 'Sleeping bag × 6', 'Headlamp × 3'])
    await screenshot(tablet, 'case2-4-online-each-sent-once')
  })

  it('3. asks in the conflict dialog when a field changed here and on the server, and applies the choice on both sides', async () => {
    await addItem('Rope (20 m)', 4)
    await addItem('Tarp', 2)
    await addItem('Lantern', 6)
    await expect.poll(() => serverShown()).toEqual(['Rope (20 m) × 4 v1', 'Tarp × 2 v1', 'Lantern × 6 v1'])
    await expect.poll(bannerText).toBe('')

    // Offline here; meanwhile someone changes all three on the server.
    await setOnline(false)
    await page.getByRole('button', { name: 'Add 10 to Rope (20 m) on the server', exact: true }).click()
    await editOnServer('Tarp', { name: 'Tarp (blue)' })
    await editOnServer('Lantern', { name: 'Lantern (LED)', quantity: 8 })
    expect(await serverShown()).toEqual(['Rope (20 m) × 14 v2', 'Tarp (blue) × 2 v2', 'Lantern (LED) × 8 v2'])
    // Here: the same field of the rope (quantity), another field of the tarp, the lantern's name (changed on
    // the server with its quantity). One change each: the app shares its outbox between tabs, where
    // changes are never merged (README, Several tabs).
    await more('Rope (20 m)')
    await more('Tarp')
    await renameItem('Lantern', 'Lantern (gas)')
    await expect.poll(bannerText).toBe('Offline · 3 pending')
    expect(await itemsShown()).toEqual(['Rope (20 m) × 5', 'Tarp × 3', 'Lantern (gas) × 6'])
    await screenshot(page, 'case3-1-offline-edited-on-both-sides')

    // Online: the tarp merges by itself; the rope and the lantern ask, oldest first.
    await setOnline(true)
    const dialog = page.getByRole('dialog', { name: 'Conflict: Rope (20 m)' })
    await dialog.waitFor({ timeout: 10_000 })
    expect(await dialog.getAttribute('aria-modal')).toBe('true')
    expect(await dialog.getByText('Quantity changed here and on the server. Which should stay?').isVisible()).toBe(true)
    expect(await dialog.getByRole('columnheader').allTextContents()).toEqual(['Field', 'Before', 'Yours', 'On the server'])
    expect(await dialog.getByRole('row', { name: /^Quantity/ }).getByRole('cell').allTextContents()).toEqual(['4', '5', '14'])
    await expect.poll(bannerText).toBe('2 conflicts')
    await expect.poll(() => serverShown()).toEqual(['Rope (20 m) × 14 v2', 'Tarp (blue) × 3 v3', 'Lantern (LED) × 8 v2'])
    await screenshot(page, 'case3-2-conflict-dialog-rope')

    await dialog.getByRole('button', { name: 'Keep mine' }).click()
    const lantern = page.getByRole('dialog', { name: 'Conflict: Lantern (gas)' })
    await lantern.waitFor()
    expect(await lantern.getByText('Name changed here and on the server. Which should stay?').isVisible()).toBe(true)
    const rowHeaders = await lantern.getByRole('rowheader').allTextContents()
    expect(rowHeaders).toEqual(['Name'])
    expect(await lantern.getByRole('row', { name: /^Name/ }).getByRole('cell').first().textContent()).toBe('Lantern')
    // One field at stake: no per-field choice. Keeping mine sends my name on top of the server's record,
    // so the quantity only the server changed stays.
    expect(await lantern.getByRole('radio').count()).toBe(0)
    await screenshot(page, 'case3-3-conflict-dialog-lantern')
    await lantern.getByRole('button', { name: 'Keep mine' }).click()

    // Both choices are applied in the app and on the server, and nothing is left open. Focus is back
    // where it was when the first dialog opened: the online switch.
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0)
    expect(await onlineSwitch().evaluate((element) => element === document.activeElement)).toBe(true)
    await expect.poll(bannerText).toBe('')
    expect(await itemsShown()).toEqual(['Rope (20 m) × 5', 'Tarp (blue) × 3', 'Lantern (gas) × 8'])
    await expect.poll(() => serverShown()).toEqual(['Rope (20 m) × 5 v3', 'Tarp (blue) × 3 v3', 'Lantern (gas) × 8 v3'])
    expect(await pendingBadges().count()).toBe(0)
    expect(await page.getByRole('list', { name: 'Conflicts to settle' }).count()).toBe(0)
    await screenshot(page, 'case3-4-choices-applied')
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

  it('5. sends the changes two offline tabs made once each, and both tabs end equal to the server', async () => {
    await addItem('Rope (20 m)', 4)
    await addItem('Tarp', 2)
    await expect.poll(() => serverShown()).toEqual(['Rope (20 m) × 4 v1', 'Tarp × 2 v1'])
    await expect.poll(bannerText).toBe('')

    // A second tab of the same app: it shows what the device stored.
    const second = await context.newPage()
    await openApp(second)
    await expect.poll(() => itemsShown(second)).toEqual(['Rope (20 m) × 4', 'Tarp × 2'])
    expect(await serverShown(second)).toEqual(['Rope (20 m) × 4 v1', 'Tarp × 2 v1'])

    // The writes so far: the two creates, sent by the first tab.
    const before = { first: await requestLog(page), second: await requestLog(second) }
    expect(before.first.length + before.second.length).toBe(2)

    // Both tabs offline (each its own switch: the browser's offline would take both), each changes things,
    // going from one tab to the other as a person would.
    await page.bringToFront()
    await setOnline(false, page)
    await renameItem('Rope (20 m)', 'Rope (30 m)', page)
    await addItem('Compass', 1, page)
    await second.bringToFront()
    await setOnline(false, second)
    await more('Tarp', second)
    await addItem('Whistle', 5, second)

    // Each tab shows every change as pending, its own and the other's.
    const expected = ['Compass × 1', 'Rope (30 m) × 4', 'Tarp × 3', 'Whistle × 5']
    for (const tab of [page, second]) {
      await expect.poll(() => bannerText(tab)).toBe('Offline · 4 pending')
      await expect.poll(async () => (await itemsShown(tab)).sort()).toEqual(expected)
      expect(await pendingBadges(tab).count()).toBe(4)
    }
    await screenshot(page, 'case5-1-first-tab-offline')
    await screenshot(second, 'case5-2-second-tab-offline')

    await setOnline(true, second)
    await page.bringToFront()
    await setOnline(true, page)
    for (const tab of [page, second]) {
      await expect.poll(() => bannerText(tab), { timeout: 10_000 }).toBe('')
      expect(await pendingBadges(tab).count()).toBe(0)
    }
    // The server has each change, applied once (versions), and both tabs show exactly what it has.
    const onServer = ['Compass × 1 v1', 'Rope (30 m) × 4 v2', 'Tarp × 3 v2', 'Whistle × 5 v1']
    for (const tab of [page, second]) {
      await expect.poll(async () => (await serverShown(tab)).sort()).toEqual(onServer)
      expect((await itemsShown(tab)).sort()).toEqual(expected)
    }
    expect(await itemsShown(second)).toEqual(await itemsShown(page))
    // One write per change over both tabs' request logs (one tab sends for both).
    // The log lists newest first: what came after the writes seen before.
    const after = async (tab: Page, earlier: string[]) => (await requestLog(tab)).slice(0, -earlier.length || undefined)
    const writes = [...(await after(page, before.first)), ...(await after(second, before.second))]
    expect(writes.sort()).toEqual([
      expect.stringMatching(/^PATCH \/items\/[0-9a-f]{8}… → 200$/),
      expect.stringMatching(/^PATCH \/items\/[0-9a-f]{8}… → 200$/),
      expect.stringMatching(/^POST \/items → 201$/),
      expect.stringMatching(/^POST \/items → 201$/),
    ])
    expect(writes[0]).not.toBe(writes[1]) // two PATCHes: two different records
    await screenshot(page, 'case5-3-first-tab-synced')
    await screenshot(second, 'case5-4-second-tab-synced')
  })

  it('6. fits a 390 px phone without sideways scrolling, and names the buttons of a refused change after its row', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    const scrollsSideways = () => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth)
    expect(await scrollsSideways()).toBe(false)

    // The server refuses the next write: the new item is rolled back and listed under "Not saved".
    await failNext('422 Unprocessable Content')
    await addItem('Rope (20 m)', 4)
    const notSaved = page.getByRole('region', { name: 'Not saved' })
    await notSaved.waitFor({ timeout: 10_000 })
    await addItem('Tarp', 2)
    expect(await notSaved.getByRole('button', { name: 'Retry Rope (20 m)', exact: true }).count()).toBe(1)
    expect(await notSaved.getByRole('button', { name: 'Discard Rope (20 m)', exact: true }).count()).toBe(1)
    await expect.poll(() => serverShown()).toEqual(['Tarp × 2 v1'])
    expect(await scrollsSideways()).toBe(false)
    await screenshot(page, 'case6-1-phone-refused-change')

    await notSaved.getByRole('button', { name: 'Discard Rope (20 m)', exact: true }).click()
    await expect.poll(() => notSaved.count()).toBe(0)
    expect(await itemsShown()).toEqual(['Tarp × 2'])
  })

  it('7. shows an order made offline as not sent, then with the number the server gave it, and still one order after a reload', async () => {
    await addItem('Rope (20 m)', 4)
    await expect.poll(() => serverShown()).toEqual(['Rope (20 m) × 4 v1'])

    await setOnline(false)
    await placeOrder('Ada', 1)
    await expect.poll(() => ordersShown()).toEqual(['Order (not sent yet) Ada: 1 × Rope (20 m)'])
    expect(await orderRows().first().getByText('Pending', { exact: true }).isVisible()).toBe(true)
    expect(await orderRows().first().getByRole('button', { name: 'Cancel the order of Ada', exact: true }).count()).toBe(1)
    await expect.poll(() => bannerText()).toBe('Offline · 2 pending')
    expect(await page.getByRole('list', { name: 'Server orders' }).count()).toBe(0)
    // Marks the row's element: if its key changed with its id, React would mount a new one without the mark.
    await orderRows().first().evaluate((row) => row.setAttribute('data-e2e-placed', 'offline'))
    await screenshot(page, 'case7-1-order-not-sent')

    await setOnline(true)
    await expect.poll(() => bannerText(), { timeout: 10_000 }).toBe('')
    await expect.poll(() => ordersShown()).toEqual(['Order #1 Ada: 1 × Rope (20 m)'])
    expect(await orderRows().first().getAttribute('data-e2e-placed')).toBe('offline')
    expect(await orderRows().first().getByText('Pending', { exact: true }).count()).toBe(0)
    await expect.poll(() => serverOrders()).toEqual(['#1 Ada: 1 v1'])
    expect((await requestLog()).filter((entry) => entry.startsWith('POST /orders'))).toEqual(['POST /orders → 201'])
    await screenshot(page, 'case7-2-order-numbered')

    await page.reload()
    await page.getByRole('heading', { name: 'Field inventory' }).waitFor()
    await expect.poll(() => ordersShown()).toEqual(['Order #1 Ada: 1 × Rope (20 m)'])
    expect(await serverOrders()).toEqual(['#1 Ada: 1 v1'])
    expect(await bannerText()).toBe('')
  })
})
