/**
 * The part of React Native's AsyncStorage the app hands its persistence: redux-persist 4 calls it with
 * callbacks, rtk-offline awaits its promises. (The app is a React Native app, as most redux-offline
 * apps are; a web app passes localforage, which has the same two faces.)
 */
export interface AsyncStorageLike {
  getItem(key: string, callback?: (error: Error | null, value: string | null) => void): Promise<string | null>
  setItem(key: string, value: string, callback?: (error: Error | null) => void): Promise<void>
  removeItem(key: string, callback?: (error: Error | null) => void): Promise<void>
  getAllKeys(callback?: (error: Error | null, keys: readonly string[]) => void): Promise<readonly string[]>
}
