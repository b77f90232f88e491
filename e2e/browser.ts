import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Debian's Chromium (`apt-get install -y chromium`); never a downloaded browser. `CHROMIUM_PATH` names another. */
export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
}

/** Git-ignored: what a user would have seen at each step. */
export const screenshotDir = fileURLToPath(new URL('./screenshots/', import.meta.url))

/** Saves a screenshot of the page as e2e/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true })
  const path = `${screenshotDir}${name}.png`
  await page.screenshot({ path, fullPage: true })
  return path
}
