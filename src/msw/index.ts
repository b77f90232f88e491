// rtk-offline/msw: a versioned REST backend for MSW, speaking the REST adapter's conventions, with
// controls for tests and demos. Every public name is listed here; nothing is public by accident.

export { createMockBackend } from './createMockBackend'
export { createWebStorage } from './createWebStorage'

export type {
  MockBackend,
  MockBackendOptions,
  MockBackendStorage,
  MockBackendSnapshot,
  MockChange,
  MockRememberedAnswer,
  MockRecord,
  MockRecordId,
  MockFailure,
  MockFailureOptions,
  MockPullPage,
  MockPullChange,
  MockAnsweredWrite,
  LoggedRequest,
  WebStorageLike,
} from './types'
