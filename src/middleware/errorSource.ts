/**
 * Who raised an error reported to `onError`; `listener`: a `sync.subscribe` listener threw (sync went on).
 */
export type ErrorSource = 'adapter' | 'onAuthError' | 'drain' | 'storage' | 'conflict' | 'listener'
