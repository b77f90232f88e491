import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { executablePath } from '../browser'
import { REPORT_BINDING, type HarnessApi, type PageReport, type StrategyName, type TabSnapshot } from './harnessApi'

/** How long a page may take to load the harness and restore its storage before the run calls it stuck. */
export const READY_TIMEOUT_MS = 20_000

const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']


export class TabGoneError extends Error {
  constructor(what: string) {
    super(what)
    this.name = 'TabGoneError'
  }
}

/**
 * A device of the scenario: one Chromium process with its own persistent profile (IndexedDB, localStorage
 * survive a hard kill), and up to two tabs on the harness page (two tabs of one device share storage and
 * elect one sender).
 */
export class Device {
  readonly profile: string
  context: BrowserContext | null = null
  readonly tabs: Array<Page | null> = [null, null]
  /** Whether the device is online (the harness's network switch, set in each tab it opens). */
  online = true
  /** Every user signed in on this device (the final heal visits each, so their outboxes drain). */
  readonly usersSeen = new Set<string>()
  /** Page errors and crashes, for the trace. */
  readonly events: string[] = []

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly firstUser: string,
    private readonly trace: (line: string) => void,
    /** The conflict strategy of the device's notes (every tab of a device runs the same app). */
    readonly strategy: StrategyName = 'server-wins',
    /** What the device's pages report (conflicts settled, changes dropped for the server's record). */
    private readonly onReport: (report: PageReport) => void = () => {},
    /** Whether the server assigns ids (the app's notes then have `serverIds`). */
    readonly serverIds = false,
  ) {
    this.profile = mkdtempSync(join(tmpdir(), `rtk-offline-chaos-${name}-`))
    this.usersSeen.add(firstUser)
  }

  get running(): boolean {
    return this.context !== null
  }

  openTabs(): number[] {
    return this.tabs.flatMap((page, tab) => (page ? [tab] : []))
  }

  /** Launches the browser on the profile and opens tab 0; `waitReady: false` returns once the page started loading. */
  async launch({ waitReady = true } = {}): Promise<void> {
    const context = await chromium.launchPersistentContext(this.profile, { executablePath, headless: true, args: chromiumArgs })
    // Before any page loads the harness: a report is sent to Node the moment it is made (a tab's crash
    // right after cannot take it back).
    await context.exposeBinding(REPORT_BINDING, (_source, report: PageReport) => this.onReport(report))
    this.context = context
    context.on('close', () => {
      if (this.context === context) {
        this.context = null
        this.tabs.fill(null)
      }
    })
    // The persistent context opens a blank page: it becomes tab 0.
    const blank = context.pages()[0]
    if (waitReady) await this.openTab(0, blank)
    else void this.openTab(0, blank).catch(() => {})
  }

  /** Loads the harness in a tab (a new page of the device) and waits for its restore. */
  async openTab(tab: number, reuse?: Page): Promise<void> {
    const context = this.context
    if (!context) throw new TabGoneError(`${this.name} is not running`)
    const page = reuse ?? (await context.newPage())
    page.on('pageerror', (error) => this.note(`tab ${tab} page error: ${error.message}`))
    page.on('crash', () => this.note(`tab ${tab} crashed`))
    page.on('console', (message) => {
      if (message.type() === 'error') this.note(`tab ${tab} console: ${message.text().slice(0, 300)}`)
    })
    this.tabs[tab] = page
    page.on('close', () => {
      if (this.tabs[tab] === page) this.tabs[tab] = null
    })
    await page.goto(`${this.url}?device=${this.name}&tab=${tab}&user=${this.firstUser}&strategy=${this.strategy}${this.serverIds ? '&serverIds=1' : ''}`)
    await page.waitForFunction(() => 'harness' in window, undefined, { timeout: READY_TIMEOUT_MS })
    await this.call(tab, 'ready')
    await this.call(tab, 'setOnline', this.online)
  }

  private note(line: string): void {
    this.events.push(line)
    this.trace(`${this.name} ${line}`)
  }

  /** Calls a method of the harness in a tab. Rejects with TabGoneError when the tab is closed or crashed. */
  async call<K extends keyof HarnessApi>(tab: number, method: K, ...args: Parameters<HarnessApi[K]>): Promise<Awaited<ReturnType<HarnessApi[K]>>> {
    const page = this.tabs[tab]
    if (!page) throw new TabGoneError(`${this.name} tab ${tab} is not open`)
    const run = page.evaluate(
      ([name, callArgs]) => (window.harness[name as keyof HarnessApi] as (...a: unknown[]) => unknown)(...callArgs),
      [method, args] as const,
    ) as Promise<Awaited<ReturnType<HarnessApi[K]>>>
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} tab ${tab}: ${method} did not finish in ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS)
    })
    try {
      return await Promise.race([run, timeout])
    } catch (error) {
      if (!this.tabs[tab] || page.isClosed()) throw new TabGoneError(`${this.name} tab ${tab} went away during ${method}`)
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  snapshot(tab: number): Promise<TabSnapshot> {
    return this.call(tab, 'snapshot')
  }

  /** The device's browser process dies at once (SIGKILL to its process group): nothing is flushed, nothing closed. */
  async kill(): Promise<void> {
    const context = this.context
    if (!context) return
    const pid = browserPid(this.profile)
    if (pid === null) throw new Error(`${this.name}: no browser process found for ${this.profile}`)
    const closed = new Promise<void>((resolve) => context.once('close', () => resolve()))
    process.kill(-pid, 'SIGKILL')
    this.context = null
    this.tabs.fill(null)
    await closed
    this.note(`killed (pid ${pid})`)
  }

  /** The tab's renderer crashes (CDP Page.crash): its page dies, the browser and the other tab live on. */
  async crashTab(tab: number): Promise<void> {
    const page = this.tabs[tab]
    if (!page || !this.context) return
    const crashed = new Promise<void>((resolve) => page.once('crash', () => resolve()))
    const session = await this.context.newCDPSession(page)
    // Page.crash never answers: the renderer is gone.
    void session.send('Page.crash').catch(() => {})
    await crashed
    this.tabs[tab] = null
    await page.close().catch(() => {})
  }

  /** The person closes the tab (whatever it was doing; no beforeunload prompt). */
  async closeTab(tab: number): Promise<void> {
    const page = this.tabs[tab]
    if (!page) return
    this.tabs[tab] = null
    await page.close({ runBeforeUnload: false }).catch(() => {})
  }

  async setOnline(online: boolean): Promise<void> {
    this.online = online
    for (const tab of this.openTabs()) await this.call(tab, 'setOnline', online).catch(ignoreGone)
  }

  /** Closes the browser and deletes the profile. */
  async dispose(): Promise<void> {
    const context = this.context
    this.context = null
    await context?.close().catch(() => {})
    rmSync(this.profile, { recursive: true, force: true })
  }
}

/** A tab that went away mid-call is the scenario's doing (a crash, a close): the step goes on. */
export function ignoreGone(error: unknown): void {
  if (!(error instanceof TabGoneError)) throw error
}

/** The browser process of a profile: the one with `--user-data-dir=<profile>` that is not a child (`--type=`). */
function browserPid(profile: string): number | null {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
  for (const line of lines) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line)
    if (!match) continue
    const args = match[2]!
    if (args.includes(`--user-data-dir=${profile}`) && !args.includes('--type=')) return Number(match[1])
  }
  return null
}
