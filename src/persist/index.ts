// rtk-offline/persist: opt-in persistence (the outbox and synced slices kept in storage), tabs sharing one
// outbox, user switching and encrypted storage. An app that never persists never imports this entry, and
// ships none of it. Every public name is listed here; nothing is public by accident.

export { createPersistence } from './plugin'
export { encryptedStorage, deriveStorageKey, generateStorageKey, SyncDecryptionError } from './encryptedStorage'
export { createSenderElection } from './senderElection'
export { webStorage } from './webStorage'

export type { PersistOptions } from './plugin'
export type { Persistor } from '../persistencePlugin'
export type { PersistMigrations, PersistedState } from './restore'
export type { SyncStorage } from './storage'
export type { WebStorageArea } from './webStorage'
export type {
  EncryptedStorageOptions,
  DeriveStorageKeyOptions,
  GenerateStorageKeyOptions,
  DecryptionFailure,
} from './encryptedStorage'
export type { SenderElection, SenderElectionOptions } from './senderElection'
