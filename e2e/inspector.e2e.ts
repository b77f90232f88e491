import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { launchChromium, screenshot } from './browser'

/*
 * The sync inspector in the example app (on the mock backend): behind a toggle, it lists a change queued
 * offline, and its timeline shows the change sent and confirmed once online.
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
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } })
  page = await context.newPage()
  await page.goto(inject('appUrl'))
  await page.getByRole('heading', { name: 'Field inventory' }).waitFor()
})
afterEach(async () => {
  await context?.close()
})

const inspector = () => page.getByRole('region', { name: 'Sync inspector' })
const listed = (part: RegExp) => inspector().getByRole('region', { name: part }).getByRole('listitem').allTextContents()

describe('the sync inspector in the example app', () => {
  it('opens from its toggle, lists a change queued offline, and shows it sent and confirmed in the timeline', async () => {
    const toggle = page.getByRole('button', { name: 'Show sync inspector' })
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    expect(await inspector().count()).toBe(0)
    await toggle.click()
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    await inspector().waitFor()

    await context.setOffline(true)
    await expect.poll(() => page.getByRole('switch', { name: 'Online' }).getAttribute('aria-checked')).toBe('false')
    const form = page.getByRole('form', { name: 'New item' })
    await form.getByLabel('Name').fill('Rope')
    await form.getByLabel('Quantity').fill('3')
    await form.getByRole('button', { name: 'Add item' }).click()

    await expect.poll(() => listed(/^Queue/)).toEqual([expect.stringMatching(/^create items \S+ · pending$/)])
    expect(await inspector().getByRole('status').textContent()).toMatch(/^offline · 1 queued/)
    await screenshot(page, 'inspector-1-queued-offline')

    await context.setOffline(false)
    await expect.poll(() => listed(/^Timeline/)).toContainEqual(expect.stringMatching(/ confirmed create items \S+ in \d+ ms$/))
    const timeline = await listed(/^Timeline/)
    expect(timeline).toContainEqual(expect.stringMatching(/ sent create items \S+ \(attempt 1\)$/))
    await expect.poll(() => listed(/^Queue/)).toEqual([])
    await screenshot(page, 'inspector-2-confirmed')
  })
})
