import type { UnknownAction } from '@reduxjs/toolkit'
import { pause, resume } from 'rtk-offline'

/** Who keeps sending paused for one createReduxOffline instance. */
interface Holds {
  count: number
  /** Whether sending was going when the first hold paused it, so the last release resumes it. */
  resumeAtEnd: boolean
  /** A hold an import that failed after queueing left in place; the next import takes it over. */
  leftover: boolean
}

const holdsOf = new WeakMap<object, Holds>()

function holds(owner: object): Holds {
  let found = holdsOf.get(owner)
  if (!found) holdsOf.set(owner, (found = { count: 0, resumeAtEnd: false, leftover: false }))
  return found
}

/**
 * Pauses sending for as long as one of several reasons holds it (the app's state not restored yet, an
 * import under way): sending resumes when the last is released, and only if it was going before the
 * first (an app that paused it itself keeps it paused). The engine has one pause flag; this counts on it.
 */
export function holdSending(owner: object, dispatch: (action: UnknownAction) => unknown, wasPaused: boolean): () => void {
  const state = holds(owner)
  if (state.count++ === 0) {
    state.resumeAtEnd = !wasPaused
    if (!wasPaused) dispatch(pause())
  }
  let released = false
  return () => {
    if (released) return
    released = true
    if (--state.count === 0 && state.resumeAtEnd) dispatch(resume())
  }
}

/** Leaves a hold in place after a failed import, for the next import to take over (see importReduxOfflineOutbox). */
export function leaveHeld(owner: object): void {
  holds(owner).leftover = true
}

/** Takes over a hold a failed import left: true when there was one (it is then the caller's to release). */
export function takeLeftover(owner: object): boolean {
  const state = holds(owner)
  if (!state.leftover) return false
  state.leftover = false
  return true
}

/** Releases a hold taken over with takeLeftover. */
export function releaseLeftover(owner: object, dispatch: (action: UnknownAction) => unknown): void {
  const state = holds(owner)
  if (--state.count === 0 && state.resumeAtEnd) dispatch(resume())
}
