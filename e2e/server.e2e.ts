import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { launchChromium, screenshot } from './browser'

/*
 * The example app on rtk-offline's sync server (`npm start`): the server runs in the preview server, on
 * PGlite in memory, at /api; the app talks to it with createSyncProtocolAdapter. Each window here is a
 * browser context of its own: another device, with its own IndexedDB, on the one server.
 *
 *  1. Two windows sync through the server: a change made in one shows in the other without a reload
 *     (the server's poke over Server-Sent Events makes it pull).
 *  2. The server stops in the middle of a drain and starts again (its database closed and opened):
 *     every change reaches it once, and both windows end equal to it.
 *  3. A conflict between the two windows: both change the same item's quantity offline, each its own
 *     way; the second to send gets the conflict dialog, and its choice reaches the server and the first
 *     window.
 *  4. Server-assigned ids: two windows each place an order offline; online, the server numbers them #1
 *     and #2 in the order they arrive, and both windows show the same two orders under those numbers.
 */

let browser: Browser
const contexts: BrowserContext[] = []
const viewport = { width: 1200, height: 800 }

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})
beforeEach(async () => {
  // One server for every case: empty it first (the gateway's reset).
  const response = await fetch(new URL('/__demo/reset', inject('serverAppUrl')), { method: 'POST' })
  expect(response.ok).toBe(true)
})
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close()
})

/** A new device (browser context) with the app open. */
async function openWindow(): Promise<Page> {
  const context = await browser.newContext({ viewport })
  contexts.push(context)
  const page = await context.newPage()
  await page.goto(inject('serverAppUrl'))
  await page.getByRole('heading', { name: 'Field inventory' }).waitFor()
  return page
}

const bannerText = (p: Page) => p.getByRole('status').textContent()
const onlineSwitch = (p: Page) => p.getByRole('switch', { name: 'Online' })
const itemRows = (p: Page) => p.getByRole('list', { name: 'Items', exact: true }).getByRole('listitem')

/** The window's items as "name × quantity", sorted (windows may list them in another order). */
function itemsShown(p: Page): Promise<string[]> {
  return itemRows(p)
    .evaluateAll((rows) =>
      rows.map((row) => `${row.querySelector('.row-name')?.textContent ?? '(editing)'} × ${row.querySelector('.stepper-value')?.textContent ?? ''}`),
    )
    .then((items) => items.sort())
}

/** The server's items as "name × quantity", sorted, read from the gateway (not through a window). */
async function serverItems(): Promise<string[]> {
  const state = (await (await fetch(new URL('/__demo/state', inject('serverAppUrl')))).json()) as {
    records: { items: Array<{ name: string; quantity: number }> }
  }
  return state.records.items.map((item) => `${item.name} × ${item.quantity}`).sort()
}

async function setOnline(p: Page, online: boolean): Promise<void> {
  if ((await onlineSwitch(p).getAttribute('aria-checked')) !== String(online)) await onlineSwitch(p).click()
  await expect.poll(() => onlineSwitch(p).getAttribute('aria-checked')).toBe(String(online))
}

async function addItem(p: Page, name: string, quantity: number): Promise<void> {
  const form = p.getByRole('form', { name: 'New item' })
  await form.getByLabel('Name').fill(name)
  await form.getByLabel('Quantity').fill(String(quantity))
  await form.getByRole('button', { name: 'Add item' }).click()
}

/** The window's orders as "Order #n customer: quantity × item", sorted. */
const ordersShown = (p: Page) =>
  p
    .getByRole('list', { name: 'Orders', exact: true })
    .getByRole('listitem')
    .evaluateAll((rows) => rows.map((row) => row.querySelector('.row-name')?.textContent ?? ''))
    .then((orders) => orders.sort())

/** `item` is its option's label, e.g. "Tarp (10 in stock)". */
async function placeOrder(p: Page, item: string, customer: string, quantity: number): Promise<void> {
  const form = p.getByRole('form', { name: 'New order' })
  await form.getByLabel('Item').selectOption({ label: item })
  await form.getByLabel('Customer').fill(customer)
  await form.getByLabel('Quantity').fill(String(quantity))
  await form.getByRole('button', { name: 'Place order' }).click()
}

const more = (p: Page, name: string) => p.getByRole('button', { name: `More ${name}`, exact: true }).click()

describe('the example app on the sync server, in Chromium', () => {
  it('1. syncs two windows through the server: a change in one shows in the other without a reload', async () => {
    const laptop = await openWindow()
    const phone = await openWindow()
    await addItem(laptop, 'Rope (20 m)', 4)
    await addItem(laptop, 'Tarp', 2)
    await expect.poll(() => serverItems()).toEqual(['Rope (20 m) × 4', 'Tarp × 2'])
    // The phone pulls when the server pokes it (its interval pull is a minute away).
    await expect.poll(() => itemsShown(phone), { timeout: 10_000 }).toEqual(['Rope (20 m) × 4', 'Tarp × 2'])
    await more(phone, 'Tarp')
    await expect.poll(() => itemsShown(laptop), { timeout: 10_000 }).toEqual(['Rope (20 m) × 4', 'Tarp × 3'])
    await screenshot(phone, 'server1-two-windows')
  })

  it('2. sends every change once when the server stops mid-drain and starts again', async () => {
    const laptop = await openWindow()
    await setOnline(laptop, false)
    const names = ['Axe', 'Bucket', 'Compass', 'Dry bag', 'First aid kit', 'Flare']
    for (const [index, name] of names.entries()) await addItem(laptop, name, index + 1)
    await expect.poll(() => bannerText(laptop)).toBe(`Offline · ${names.length} pending`)

    // Slow answers, so the drain is still going when the server stops.
    await fetch(new URL('/__demo/latency', inject('serverAppUrl')), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ms: 800 }) })
    await setOnline(laptop, true)
    await expect.poll(() => bannerText(laptop)).toMatch(/Syncing/)
    await laptop.getByRole('button', { name: 'Stop server' }).click()
    await expect.poll(() => laptop.getByRole('button', { name: 'Start server' }).isVisible()).toBe(true)
    await fetch(new URL('/__demo/latency', inject('serverAppUrl')), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ms: 0 }) })
    await laptop.getByRole('button', { name: 'Start server' }).click()
    // "Sync now" skips the backoff wait the dropped requests started.
    await laptop.getByRole('button', { name: 'Sync now' }).click()
    await expect.poll(() => bannerText(laptop), { timeout: 30_000 }).toBe('')
    const expected = names.map((name, index) => `${name} × ${index + 1}`).sort()
    expect(await serverItems()).toEqual(expected)
    const phone = await openWindow()
    await expect.poll(() => itemsShown(phone)).toEqual(expected)
    expect(await itemsShown(laptop)).toEqual(expected)
  })

  it('3. asks the second window to choose when both windows changed the same quantity offline', async () => {
    const laptop = await openWindow()
    await addItem(laptop, 'Lantern', 6)
    const phone = await openWindow()
    await expect.poll(() => itemsShown(phone), { timeout: 10_000 }).toEqual(['Lantern × 6'])

    // One change each (the app's tabs share an outbox, so its changes are never merged): 6 → 7 there, 6 → 5 here.
    await setOnline(laptop, false)
    await setOnline(phone, false)
    await more(laptop, 'Lantern')
    await phone.getByRole('button', { name: 'Fewer Lantern', exact: true }).click()
    await setOnline(laptop, true)
    await expect.poll(() => serverItems()).toEqual(['Lantern × 7'])

    await setOnline(phone, true)
    const dialog = phone.getByRole('dialog')
    await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(true)
    await screenshot(phone, 'server3-conflict-dialog')
    await dialog.getByRole('button', { name: 'Keep mine' }).click()
    await expect.poll(() => serverItems()).toEqual(['Lantern × 5'])
    await expect.poll(() => itemsShown(laptop), { timeout: 10_000 }).toEqual(['Lantern × 5'])
    expect(await itemsShown(phone)).toEqual(['Lantern × 5'])
  })

  it('4. numbers the orders two windows placed offline #1 and #2, and both windows show them so', async () => {
    const laptop = await openWindow()
    await addItem(laptop, 'Tarp', 10)
    await addItem(laptop, 'Rope', 5)
    const phone = await openWindow()
    await expect.poll(() => itemsShown(phone), { timeout: 10_000 }).toEqual(['Rope × 5', 'Tarp × 10'])

    // Each window orders another item, so the stock changes do not conflict.
    await setOnline(laptop, false)
    await setOnline(phone, false)
    await placeOrder(laptop, 'Tarp (10 in stock)', 'Ada', 2)
    await placeOrder(phone, 'Rope (5 in stock)', 'Bo', 3)
    expect(await ordersShown(laptop)).toEqual(['Order (not sent yet) Ada: 2 × Tarp'])
    expect(await ordersShown(phone)).toEqual(['Order (not sent yet) Bo: 3 × Rope'])

    await setOnline(laptop, true)
    await expect.poll(() => ordersShown(laptop), { timeout: 10_000 }).toEqual(['Order #1 Ada: 2 × Tarp'])
    await setOnline(phone, true)
    const both = ['Order #1 Ada: 2 × Tarp', 'Order #2 Bo: 3 × Rope']
    await expect.poll(() => ordersShown(phone), { timeout: 10_000 }).toEqual(both)
    await expect.poll(() => ordersShown(laptop), { timeout: 10_000 }).toEqual(both)
    const state = (await (await fetch(new URL('/__demo/state', inject('serverAppUrl')))).json()) as { records: { orders: Array<{ id: string; customer: string }> } }
    expect(state.records.orders.map((order) => `${order.id} ${order.customer}`)).toEqual(['1 Ada', '2 Bo'])
    await screenshot(phone, 'server4-numbered-orders')
  })
})
