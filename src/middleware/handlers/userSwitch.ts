import { userSwitched } from '../../slices/actions'
import type { SyncEngine, SyncHandler } from '../syncHandler'

/**
 * The user-switch handler. Durability invariant 4: requests in flight are aborted when another user signs
 * in, so no answer of the user who left is applied to the new user's outbox. Persistence calls
 * `abortInFlight` (set here) before it even flushes: from then on nothing is sent or pulled, since the app
 * may already hand out the new user's credentials while the outbox is still the old one. `userSwitched`
 * (also one dispatched some other way) aborts what is left and lets requests go again: the outbox now
 * waits for the new user's restore (hydrated is false until then).
 */
export function buildUserSwitchHandler(engine: SyncEngine): SyncHandler {
  return {
    name: 'userSwitch',
    listeners: [
      {
        predicate: userSwitched.match,
        effect: () => engine.requests.renew('Another user signed in'),
      },
    ],
    start() {
      engine.store.abortInFlight = (why) => engine.requests.hold(why)
    },
  }
}
