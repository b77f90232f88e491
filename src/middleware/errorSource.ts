/** Who raised an error reported to `onError`. */
export type ErrorSource = 'adapter' | 'onAuthError' | 'drain' | 'storage' | 'conflict'
