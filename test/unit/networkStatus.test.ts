import { afterEach, describe, expect, it, vi } from 'vitest'
import { createBrowserNetworkStatus, createManualNetworkStatus } from '../../src/core/networkStatus'

/** A stand-in for `window` that records its event listeners and can fire events. */
class FakeWindow {
  readonly listeners = new Map<string, Set<() => void>>()

  addEventListener(type: string, listener: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set())
    this.listeners.get(type)!.add(listener)
  }

  removeEventListener(type: string, listener: () => void): void {
    this.listeners.get(type)?.delete(listener)
  }

  fire(type: 'online' | 'offline'): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener()
  }

  count(type: string): number {
    return this.listeners.get(type)?.size ?? 0
  }
}

/** Installs a fake window and navigator, the way a browser has them. */
function installBrowser(onLine: boolean) {
  const fakeWindow = new FakeWindow()
  const fakeNavigator = { onLine }
  vi.stubGlobal('window', fakeWindow)
  vi.stubGlobal('navigator', fakeNavigator)
  return { fakeWindow, fakeNavigator }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('createManualNetworkStatus', () => {
  it('starts online by default, or as told', () => {
    expect(createManualNetworkStatus().isOnline()).toBe(true)
    expect(createManualNetworkStatus(false).isOnline()).toBe(false)
  })

  it('reports the status set last', () => {
    const network = createManualNetworkStatus()
    network.setOnline(false)

    expect(network.isOnline()).toBe(false)
    network.setOnline(true)
    expect(network.isOnline()).toBe(true)
  })

  it('notifies listeners only when the status changes', () => {
    const network = createManualNetworkStatus(true)
    const heard: boolean[] = []
    network.subscribe((online) => heard.push(online))

    network.setOnline(true)
    network.setOnline(false)
    network.setOnline(false)
    network.setOnline(true)
    network.setOnline(true)

    expect(heard).toEqual([false, true])
  })

  it('notifies every listener, in subscription order', () => {
    const network = createManualNetworkStatus()
    const heard: string[] = []
    network.subscribe((online) => heard.push(`first:${online}`))
    network.subscribe((online) => heard.push(`second:${online}`))
    network.setOnline(false)

    expect(heard).toEqual(['first:false', 'second:false'])
  })

  it('stops notifying a listener once it unsubscribes, and keeps notifying the others', () => {
    const network = createManualNetworkStatus()
    const first: boolean[] = []
    const second: boolean[] = []
    const unsubscribeFirst = network.subscribe((online) => first.push(online))
    network.subscribe((online) => second.push(online))

    network.setOnline(false)
    unsubscribeFirst()
    unsubscribeFirst() // a second call is harmless
    network.setOnline(true)

    expect(first).toEqual([false])
    expect(second).toEqual([false, true])
  })

  it('still notifies the other listeners when one unsubscribes while being notified', () => {
    const network = createManualNetworkStatus()
    const heard: string[] = []
    const unsubscribe = network.subscribe(() => {
      heard.push('first')
      unsubscribe()
    })
    network.subscribe(() => heard.push('second'))

    network.setOnline(false)
    network.setOnline(true)

    expect(heard).toEqual(['first', 'second', 'second'])
  })
})

describe('createBrowserNetworkStatus', () => {
  describe('without window or navigator.onLine (Node)', () => {
    it('is always online', () => {
      expect(typeof window).toBe('undefined')
      const network = createBrowserNetworkStatus()

      expect(network.isOnline()).toBe(true)
    })

    it('accepts listeners, never calls them, and returns a working unsubscribe', () => {
      const network = createBrowserNetworkStatus()
      const heard: boolean[] = []
      const unsubscribe = network.subscribe((online) => heard.push(online))

      expect(() => unsubscribe()).not.toThrow()
      expect(heard).toEqual([])
    })
  })

  describe('with window and navigator', () => {
    it('follows navigator.onLine', () => {
      const { fakeNavigator } = installBrowser(false)
      const network = createBrowserNetworkStatus()

      expect(network.isOnline()).toBe(false)
      fakeNavigator.onLine = true
      expect(network.isOnline()).toBe(true)
      fakeNavigator.onLine = false
      expect(network.isOnline()).toBe(false)
    })

    it('tells listeners about the online and offline events', () => {
      const { fakeWindow } = installBrowser(true)
      const network = createBrowserNetworkStatus()
      const heard: boolean[] = []
      network.subscribe((online) => heard.push(online))

      fakeWindow.fire('offline')
      fakeWindow.fire('online')

      expect(heard).toEqual([false, true])
    })

    it('adds one online and one offline listener per subscription and removes them on unsubscribe', () => {
      const { fakeWindow } = installBrowser(true)
      const network = createBrowserNetworkStatus()
      const heard: boolean[] = []
      const unsubscribe = network.subscribe((online) => heard.push(online))

      expect([fakeWindow.count('online'), fakeWindow.count('offline')]).toEqual([1, 1])
      unsubscribe()
      expect([fakeWindow.count('online'), fakeWindow.count('offline')]).toEqual([0, 0])
      fakeWindow.fire('offline')
      expect(heard).toEqual([])
    })

    it('keeps other subscriptions when one unsubscribes', () => {
      const { fakeWindow } = installBrowser(true)
      const network = createBrowserNetworkStatus()
      const first: boolean[] = []
      const second: boolean[] = []
      const unsubscribeFirst = network.subscribe((online) => first.push(online))
      network.subscribe((online) => second.push(online))

      unsubscribeFirst()
      fakeWindow.fire('offline')

      expect(first).toEqual([])
      expect(second).toEqual([false])
      expect([fakeWindow.count('online'), fakeWindow.count('offline')]).toEqual([1, 1])
    })

    it('is always online where navigator has no onLine (a worker without it)', () => {
      vi.stubGlobal('window', new FakeWindow())
      vi.stubGlobal('navigator', {})

      expect(createBrowserNetworkStatus().isOnline()).toBe(true)
    })
  })
})
