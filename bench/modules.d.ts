// fake-indexeddb's `auto` entry (which installs IndexedDB as globals) ships without types.
declare module 'fake-indexeddb/auto'

// redux-offline's default discard (CommonJS compiled by Babel, so the function may sit on `.default`).
declare module '@redux-offline/redux-offline/lib/defaults/discard.js' {
  type Discard = (error: unknown, action: unknown, retries: number) => boolean
  const discard: Discard | { default: Discard }
  export default discard
}
