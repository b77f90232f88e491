import { describe, expect, it } from 'vitest'
import { SyncError } from '../../src/core/errors'
import {
  SyncDecryptionError,
  deriveStorageKey,
  encryptedStorage,
  generateStorageKey,
} from '../../src/persist/encryptedStorage'
import { listKeys, type SyncStorage } from '../../src/persist/storage'

/** localforage's shape, in memory; `writes` counts every change so tests can see none were made. */
function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial))
  let writes = 0
  const storage = {
    getItem: async (key: string) => items.get(key) ?? null,
    setItem: async (key: string, value: string) => {
      writes++
      items.set(key, value)
    },
    removeItem: async (key: string) => {
      writes++
      items.delete(key)
    },
    keys: async () => [...items.keys()],
  } satisfies SyncStorage
  return { storage, items, writes: () => writes }
}

/** Resolves with the error `promise` rejects with; fails if it resolves. */
async function rejectionOf(promise: unknown): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/**
 * Changes the base64 character at `index` to the one differing in its lowest bit only: the subtlest
 * change, and one that `atob` ignores in a last character whose low bits are unused.
 */
function flipLowestBitAt(text: string, index: number): string {
  const digit = BASE64_DIGITS.indexOf(text[index]!)
  return text.slice(0, index) + BASE64_DIGITS[digit ^ 1] + text.slice(index + 1)
}

describe('encryptedStorage', () => {
  it('reads back what it wrote, unicode and all', async () => {
    const { storage } = memoryStorage()
    const encrypted = encryptedStorage(storage, { key: await generateStorageKey() })
    const value = JSON.stringify({ title: 'Grüße, 東京 🚀 — "quoted"\n', empty: '' })

    await encrypted.setItem('persist:root', value)

    expect(await encrypted.getItem('persist:root')).toBe(value)
  })

  it('round-trips an empty string and a large value', async () => {
    const { storage } = memoryStorage()
    const encrypted = encryptedStorage(storage, { key: await generateStorageKey() })
    const large = 'é🚀x'.repeat(400_000) // about 3.6 MB of UTF-8

    await encrypted.setItem('empty', '')
    await encrypted.setItem('large', large)

    expect(await encrypted.getItem('empty')).toBe('')
    expect(await encrypted.getItem('large')).toBe(large)
    // Encrypting 3.6 MB and encoding it is CPU work: on a loaded 2-core machine it passed 5 s, the default.
  }, 30_000)

  it('stores a versioned envelope, never the plain text', async () => {
    const { storage, items } = memoryStorage()
    const encrypted = encryptedStorage(storage, { key: await generateStorageKey() })

    await encrypted.setItem('persist:root', 'secret todo')

    const stored = items.get('persist:root')!
    expect(stored).toMatch(/^rtko-aes-gcm:v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/)
    expect(stored).not.toContain('secret')
  })

  it('uses a fresh IV for every write, so the same value is stored differently each time', async () => {
    const { storage, items } = memoryStorage()
    const encrypted = encryptedStorage(storage, { key: await generateStorageKey() })

    await encrypted.setItem('a', 'same value')
    const first = items.get('a')!
    await encrypted.setItem('a', 'same value')
    const second = items.get('a')!

    expect(second).not.toBe(first)
    expect(second.split(':')[2]).not.toBe(first.split(':')[2])
    expect(await encrypted.getItem('a')).toBe('same value')
  })

  it('answers null for a missing key', async () => {
    const encrypted = encryptedStorage(memoryStorage().storage, { key: await generateStorageKey() })

    expect(await encrypted.getItem('missing')).toBeNull()
  })

  it('fails with SyncDecryptionError on the wrong key and leaves the stored value as it was', async () => {
    const memory = memoryStorage()
    await encryptedStorage(memory.storage, { key: await generateStorageKey() }).setItem('persist:root', 'v')
    const before = memory.items.get('persist:root')
    const writesBefore = memory.writes()
    const wrongKey = encryptedStorage(memory.storage, { key: await generateStorageKey() })

    const error = await rejectionOf(wrongKey.getItem('persist:root'))

    expect(error).toBeInstanceOf(SyncDecryptionError)
    expect(error).toBeInstanceOf(SyncError)
    expect(error).toMatchObject({
      name: 'SyncDecryptionError',
      code: 'decryption-failed',
      storageKey: 'persist:root',
      reason: 'authentication-failed',
    })
    expect((error as Error).message).toContain('"persist:root"')
    expect((error as Error).message).toContain(
      'the key is wrong, or the data was changed outside the app; it was left as it is',
    )
    expect(memory.items.get('persist:root')).toBe(before)
    expect(memory.writes()).toBe(writesBefore)
  })

  it('fails when any one character of the IV or the ciphertext is changed, and changes nothing', async () => {
    const memory = memoryStorage()
    const encrypted = encryptedStorage(memory.storage, { key: await generateStorageKey() })
    // 51 bytes + a 16-byte tag = 67 bytes: base64 ends in '==', its last character carrying 4 unused bits.
    await encrypted.setItem('k', 'x'.repeat(51))
    const original = memory.items.get('k')!
    expect(original).toMatch(/==$/)
    const payloadStart = 'rtko-aes-gcm:v1:'.length

    // Every character after the header, including the last ones, whose low bits base64 may not use.
    for (let index = payloadStart; index < original.length; index++) {
      if (original[index] === ':' || original[index] === '=') continue
      const tampered = flipLowestBitAt(original, index)
      memory.items.set('k', tampered)
      const writesBefore = memory.writes()

      const error = await rejectionOf(encrypted.getItem('k'))

      expect(error, `character ${index}`).toBeInstanceOf(SyncDecryptionError)
      expect(memory.items.get('k')).toBe(tampered)
      expect(memory.writes()).toBe(writesBefore)
    }
  })

  it('fails when a value is moved to another key name, because the name is authenticated', async () => {
    const memory = memoryStorage()
    const encrypted = encryptedStorage(memory.storage, { key: await generateStorageKey() })
    await encrypted.setItem('persist:alice', 'alice data')
    memory.items.set('persist:bob', memory.items.get('persist:alice')!)

    await expect(encrypted.getItem('persist:bob')).rejects.toMatchObject({
      name: 'SyncDecryptionError',
      storageKey: 'persist:bob',
      reason: 'authentication-failed',
    })
    expect(await encrypted.getItem('persist:alice')).toBe('alice data')
  })

  it('fails on plain text written before encryption was turned on, and leaves it for a migration', async () => {
    const memory = memoryStorage({ 'persist:root': '{"todos":"[]"}' })
    const encrypted = encryptedStorage(memory.storage, { key: await generateStorageKey() })

    const error = await rejectionOf(encrypted.getItem('persist:root'))

    expect(error).toMatchObject({ name: 'SyncDecryptionError', reason: 'not-encrypted' })
    expect((error as Error).message).toContain('before encryption was turned on')
    expect(memory.items.get('persist:root')).toBe('{"todos":"[]"}')
    expect(memory.writes()).toBe(0)
  })

  it('fails on an envelope version it does not know, and on a broken envelope', async () => {
    const memory = memoryStorage({
      future: 'rtko-aes-gcm:v2:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA==',
      short: 'rtko-aes-gcm:v1:AAAA',
      badIv: 'rtko-aes-gcm:v1:AAAA:AAAAAAAAAAAAAAAAAAAAAA==',
      notBase64: 'rtko-aes-gcm:v1:AAAAAAAAAAAAAAAA:not base64!',
    })
    const encrypted = encryptedStorage(memory.storage, { key: await generateStorageKey() })

    await expect(encrypted.getItem('future')).rejects.toMatchObject({ reason: 'unknown-version' })
    await expect(encrypted.getItem('short')).rejects.toMatchObject({ reason: 'malformed' })
    await expect(encrypted.getItem('badIv')).rejects.toMatchObject({ reason: 'malformed' })
    await expect(encrypted.getItem('notBase64')).rejects.toMatchObject({ reason: 'malformed' })
    expect(memory.writes()).toBe(0)
  })

  it('passes removeItem and key listing through, since key names are not secret', async () => {
    const memory = memoryStorage()
    const encrypted = encryptedStorage(memory.storage, { key: await generateStorageKey() })
    await encrypted.setItem('persist:root', 'a')
    await encrypted.setItem('persist:outbox', 'b')

    expect(await listKeys(encrypted)).toEqual(['persist:root', 'persist:outbox'])
    await encrypted.removeItem('persist:root')
    expect([...memory.items.keys()]).toEqual(['persist:outbox'])
  })

  it("offers the inner storage's own way of listing keys, AsyncStorage's getAllKeys included", async () => {
    const asyncStorageLike: SyncStorage = {
      getItem: () => null,
      setItem: () => undefined,
      removeItem: () => undefined,
      getAllKeys: async () => ['persist:root'],
    }
    const encrypted = encryptedStorage(asyncStorageLike, { key: await generateStorageKey() })

    expect(encrypted.keys).toBeUndefined()
    expect(await listKeys(encrypted)).toEqual(['persist:root'])
  })

  it('refuses a key that is not an AES-GCM key for encrypting and decrypting, at once', async () => {
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    const encryptOnly = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt'])

    expect(() => encryptedStorage(memoryStorage().storage, { key: hmac })).toThrow(/AES-GCM CryptoKey/)
    expect(() => encryptedStorage(memoryStorage().storage, { key: encryptOnly })).toThrow(/AES-GCM CryptoKey/)
  })

  it('uses the crypto it is given', async () => {
    const key = await generateStorageKey()
    let randomCalls = 0
    const counting = {
      subtle: crypto.subtle,
      getRandomValues: <T extends ArrayBufferView>(array: T) => {
        randomCalls++
        return crypto.getRandomValues(array)
      },
    } as Crypto
    const encrypted = encryptedStorage(memoryStorage().storage, { key, crypto: counting })

    await encrypted.setItem('k', 'v')

    expect(randomCalls).toBe(1)
    expect(await encrypted.getItem('k')).toBe('v')
  })
})

describe('deriveStorageKey', () => {
  // Few iterations keep the tests fast; the default (310,000) is for real use.
  const fast = { iterations: 1_000 }

  it('derives the same key from the same passphrase and salt, so data written in one session opens in the next', async () => {
    const memory = memoryStorage()
    const firstSession = encryptedStorage(memory.storage, { key: await deriveStorageKey('correct horse', 'user-42', fast) })
    await firstSession.setItem('persist:root', 'kept across sessions')

    const secondKey = await deriveStorageKey('correct horse', new TextEncoder().encode('user-42'), fast)
    const secondSession = encryptedStorage(memory.storage, { key: secondKey })

    expect(await secondSession.getItem('persist:root')).toBe('kept across sessions')
  })

  it('derives a different key from another passphrase or another salt', async () => {
    const memory = memoryStorage()
    await encryptedStorage(memory.storage, { key: await deriveStorageKey('correct horse', 'user-42', fast) }).setItem('k', 'v')

    const otherPassphrase = encryptedStorage(memory.storage, { key: await deriveStorageKey('wrong horse', 'user-42', fast) })
    const otherSalt = encryptedStorage(memory.storage, { key: await deriveStorageKey('correct horse', 'user-43', fast) })

    await expect(otherPassphrase.getItem('k')).rejects.toBeInstanceOf(SyncDecryptionError)
    await expect(otherSalt.getItem('k')).rejects.toBeInstanceOf(SyncDecryptionError)
  })

  it('makes a non-extractable AES-GCM 256 key', async () => {
    const key = await deriveStorageKey('correct horse', 'user-42', fast)

    expect(key.extractable).toBe(false)
    expect(key.algorithm).toEqual({ name: 'AES-GCM', length: 256 })
    expect([...key.usages].sort()).toEqual(['decrypt', 'encrypt'])
  })

  it('refuses an empty passphrase, an empty salt and bad iterations', async () => {
    await expect(deriveStorageKey('', 'salt')).rejects.toThrow(/non-empty passphrase/)
    await expect(deriveStorageKey('pass', '')).rejects.toThrow(/non-empty salt/)
    await expect(deriveStorageKey('pass', new Uint8Array())).rejects.toThrow(/non-empty salt/)
    await expect(deriveStorageKey('pass', 'salt', { iterations: 0 })).rejects.toThrow(/positive integer/)
    await expect(deriveStorageKey('pass', 'salt', { iterations: 1.5 })).rejects.toThrow(/positive integer/)
  })
})

describe('generateStorageKey', () => {
  it('makes a non-extractable AES-GCM 256 key unless asked otherwise', async () => {
    const key = await generateStorageKey()
    const exportable = await generateStorageKey({ extractable: true })

    expect(key.extractable).toBe(false)
    expect(key.algorithm).toEqual({ name: 'AES-GCM', length: 256 })
    expect(exportable.extractable).toBe(true)
  })
})
