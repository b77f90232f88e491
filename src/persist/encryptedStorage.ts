import { SyncError, SyncSetupError } from 'rtk-offline'
import type { SyncStorage } from './storage'

/**
 * Every stored value starts with this tag and version, so a value can be recognised as ours and a
 * later format can be told apart from this one.
 */
const ENVELOPE_TAG = 'rtko-aes-gcm'
const ENVELOPE_VERSION = 'v1'
/** 96 bits: the IV length AES-GCM is designed for (NIST SP 800-38D); other lengths are hashed down. */
const IV_BYTES = 12
const DEFAULT_ITERATIONS = 310_000

/** Options of {@link encryptedStorage}. */
export interface EncryptedStorageOptions {
  /**
   * An AES-GCM key allowed to `encrypt` and `decrypt`, from {@link deriveStorageKey} (a passphrase),
   * {@link generateStorageKey} (a random key the app keeps, for example in IndexedDB) or your own
   * `crypto.subtle` call. A 256-bit key is recommended.
   */
  key: CryptoKey
  /**
   * The WebCrypto implementation: for React Native or older runtimes, pass a polyfill's `crypto`.
   * Looked up at each call, so a polyfill installed after import still applies.
   * @default globalThis.crypto
   */
  crypto?: Crypto
}

/** Options of {@link deriveStorageKey}. */
export interface DeriveStorageKeyOptions {
  /**
   * PBKDF2 iterations. More is slower for an attacker guessing passphrases and for the app at start-up.
   * @default 310_000 (OWASP's figure for PBKDF2-HMAC-SHA-256)
   */
  iterations?: number
  /**
   * The WebCrypto implementation.
   * @default globalThis.crypto
   */
  crypto?: Crypto
}

/** Options of {@link generateStorageKey}. */
export interface GenerateStorageKeyOptions {
  /**
   * Whether the key's bytes can be read back with `exportKey`. Leave it `false` unless you must keep
   * the key outside the browser (a keychain): a non-extractable `CryptoKey` can still be kept in
   * IndexedDB as it is.
   * @default false
   */
  extractable?: boolean
  /**
   * The WebCrypto implementation.
   * @default globalThis.crypto
   */
  crypto?: Crypto
}

/** Why a stored value could not be decrypted. */
export type DecryptionFailure =
  /** AES-GCM authentication failed: a wrong key, a changed IV or ciphertext, or a value moved to another key. */
  | 'authentication-failed'
  /** The value is not an rtk-offline envelope: most likely plain text written before encryption was turned on. */
  | 'not-encrypted'
  /** The envelope has a version this build does not know (written by a newer rtk-offline?). */
  | 'unknown-version'
  /** The envelope has our tag and version but its parts are broken. */
  | 'malformed'

const FAILURE_DETAILS: Record<DecryptionFailure, string> = {
  'authentication-failed': 'it did not authenticate',
  'not-encrypted': 'it is not encrypted (was it written before encryption was turned on?)',
  'unknown-version': 'its format version is unknown (was it written by a newer rtk-offline?)',
  malformed: 'its encrypted envelope is broken',
}

/**
 * Thrown by an {@link encryptedStorage}'s `getItem` when a stored value cannot be decrypted. Nothing
 * was written or removed: the stored value is exactly as it was, so the app can retry with the right
 * key, migrate the value, or remove it deliberately.
 */
export class SyncDecryptionError extends SyncError {
  override name = 'SyncDecryptionError'
  /** The storage key whose value could not be decrypted. */
  readonly storageKey: string
  /** Why it could not be decrypted. */
  readonly reason: DecryptionFailure

  constructor(storageKey: string, reason: DecryptionFailure, options?: { cause?: unknown }) {
    super(
      'decryption-failed',
      `rtk-offline: could not decrypt the stored value of "${storageKey}" (${FAILURE_DETAILS[reason]}): ` +
        'the key is wrong, or the data was changed outside the app; it was left as it is. ' +
        'Pass the key it was written with to encryptedStorage (the same passphrase and salt for ' +
        'deriveStorageKey), or remove the item to start afresh.',
      options,
    )
    this.storageKey = storageKey
    this.reason = reason
  }
}

/**
 * Wraps any redux-persist storage so values are encrypted at rest with AES-GCM: a fresh random IV per
 * write, and the storage key name as additional authenticated data, so a value changed outside the
 * app, read with the wrong key, or moved to another key name fails with a {@link SyncDecryptionError}
 * instead of loading. A failed read never writes or removes anything.
 *
 * Only values are encrypted: `removeItem`, `keys` and `getAllKeys` pass through, and key names are
 * stored in the clear (they are rtk-offline's fixed names, not secrets). The length of each value
 * is visible too.
 *
 * Its `getItem` rejects with a {@link SyncDecryptionError} when a value cannot be decrypted.
 *
 * @example
 * const key = await deriveStorageKey(passphrase, userId)
 * const storage = encryptedStorage(localforage, { key })
 * const persisted = persistReducer({ key: 'root', storage }, rootReducer)
 */
export function encryptedStorage(storage: SyncStorage, options: EncryptedStorageOptions): SyncStorage {
  const { key } = options
  assertAesGcmKey(key)
  // Looked up per call, not here, so a polyfill installed after the storage is made still applies.
  const webCrypto = () => cryptoOf(options.crypto)

  const wrapped: SyncStorage = {
    async getItem(name) {
      const stored = await storage.getItem(name)
      // `== null`: some storages answer `undefined` for a missing key despite their types.
      if (stored == null) return null
      return decryptValue(webCrypto().subtle, key, name, stored)
    },
    async setItem(name, value) {
      const envelope = await encryptValue(webCrypto(), key, name, value)
      return storage.setItem(name, envelope)
    },
    removeItem: (name) => storage.removeItem(name),
  }
  // Offer only the listing method the inner storage has, so `listKeys` keeps picking the same one.
  if (typeof storage.keys === 'function') wrapped.keys = () => storage.keys!()
  if (typeof storage.getAllKeys === 'function') wrapped.getAllKeys = () => storage.getAllKeys!()
  return wrapped
}

/**
 * Derives an AES-GCM 256 key from a passphrase with PBKDF2-SHA-256. The same passphrase and salt give
 * the same key, on any device. The key is not extractable.
 *
 * @param salt Not secret, but unique per user or installation (for example the user id, or 16 random
 * bytes kept next to the data), so one guessed passphrase does not open everyone's data.
 */
export async function deriveStorageKey(
  passphrase: string,
  salt: string | Uint8Array,
  options: DeriveStorageKeyOptions = {},
): Promise<CryptoKey> {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS
  assertDeriveInput(passphrase, salt, iterations)
  const { subtle } = cryptoOf(options.crypto)
  const material = await subtle.importKey('raw', utf8(passphrase), 'PBKDF2', false, ['deriveKey'])
  return subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: toBytes(salt), iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

/** Makes a random AES-GCM 256 key for {@link encryptedStorage}. Keep it somewhere that survives reloads. */
export async function generateStorageKey(options: GenerateStorageKeyOptions = {}): Promise<CryptoKey> {
  return cryptoOf(options.crypto).subtle.generateKey({ name: 'AES-GCM', length: 256 }, options.extractable ?? false, [
    'encrypt',
    'decrypt',
  ])
}

async function encryptValue(crypto: Crypto, key: CryptoKey, name: string, value: string): Promise<string> {
  // A fresh IV per write: reusing an IV under one key breaks AES-GCM's confidentiality and integrity.
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(name) }, key, utf8(value))
  return [ENVELOPE_TAG, ENVELOPE_VERSION, toBase64(iv), toBase64(new Uint8Array(ciphertext))].join(':')
}

async function decryptValue(subtle: SubtleCrypto, key: CryptoKey, name: string, stored: string): Promise<string> {
  const { iv, ciphertext } = parseEnvelope(name, stored)
  let plaintext: ArrayBuffer
  try {
    plaintext = await subtle.decrypt({ name: 'AES-GCM', iv, additionalData: utf8(name) }, key, ciphertext)
  } catch (cause) {
    throw new SyncDecryptionError(name, 'authentication-failed', { cause })
  }
  return new TextDecoder().decode(plaintext)
}

function parseEnvelope(name: string, stored: string): { iv: Uint8Array<ArrayBuffer>; ciphertext: Uint8Array<ArrayBuffer> } {
  const parts = String(stored).split(':')
  if (parts[0] !== ENVELOPE_TAG) throw new SyncDecryptionError(name, 'not-encrypted')
  if (parts[1] !== ENVELOPE_VERSION) throw new SyncDecryptionError(name, 'unknown-version')
  const iv = parts.length === 4 ? fromBase64(parts[2]!) : null
  const ciphertext = parts.length === 4 ? fromBase64(parts[3]!) : null
  // 16 bytes is the GCM tag alone: the ciphertext of an empty string.
  if (iv?.length !== IV_BYTES || ciphertext === null || ciphertext.length < 16) {
    throw new SyncDecryptionError(name, 'malformed')
  }
  return { iv, ciphertext }
}

function assertAesGcmKey(key: CryptoKey): void {
  const usages: readonly string[] = key?.usages ?? []
  if (key?.algorithm?.name !== 'AES-GCM' || !usages.includes('encrypt') || !usages.includes('decrypt')) {
    throw new SyncSetupError(
      'encryptedStorage needs `key`: an AES-GCM CryptoKey allowed to encrypt and decrypt. ' +
        'Make one with deriveStorageKey(passphrase, salt) or generateStorageKey().',
    )
  }
}

function assertDeriveInput(passphrase: string, salt: string | Uint8Array, iterations: number): void {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new SyncSetupError('deriveStorageKey needs a non-empty passphrase.')
  }
  if (!(typeof salt === 'string' || salt instanceof Uint8Array) || salt.length === 0) {
    throw new SyncSetupError('deriveStorageKey needs a non-empty salt (a string or a Uint8Array), unique per user.')
  }
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new SyncSetupError(`deriveStorageKey's \`iterations\` must be a positive integer, not ${iterations}.`)
  }
}

function cryptoOf(crypto: Crypto | undefined): Crypto {
  const found = crypto ?? globalThis.crypto
  if (found?.subtle === undefined) {
    throw new SyncSetupError(
      'encrypted storage needs WebCrypto (crypto.subtle), which this runtime does not have. ' +
        'Pass one with the `crypto` option (for example a polyfill in React Native). Browsers offer it only on HTTPS or localhost.',
    )
  }
  return found
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text)
}

/** A copy, so a caller changing its array later cannot change the salt, and a plain ArrayBuffer behind it. */
function toBytes(value: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return typeof value === 'string' ? utf8(value) : new Uint8Array(value)
}

/** `btoa` works on "binary strings"; built in chunks so large values do not overflow the call stack. */
function toBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000
  let binary = ''
  for (let start = 0; start < bytes.length; start += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(start, start + CHUNK))
  }
  return btoa(binary)
}

/**
 * Strict base64: `atob` ignores the unused low bits of the last character, so two different texts can
 * decode to the same bytes. Re-encoding and comparing makes any changed character an error, never a
 * silent success.
 */
function fromBase64(text: string): Uint8Array<ArrayBuffer> | null {
  let binary: string
  try {
    binary = atob(text)
  } catch {
    return null
  }
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
  return toBase64(bytes) === text ? bytes : null
}
