import { createReduxOffline, defaultDiscard, EffectHttpError } from 'rtk-offline/redux-offline'

// An effect runner of your own, as redux-offline's `effect` config: its third argument has the idempotency
// key (the same on every attempt and after a restart), to pass on so the server applies the effect once.
export const reduxOffline = createReduxOffline({
  effect: async (effect, _action, { idempotencyKey, signal }) => {
    const { path, body } = effect as { path: string; body: unknown }
    const response = await fetch(`https://api.example.com${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'Idempotency-Key': idempotencyKey },
      signal,
    })
    if (!response.ok) throw new EffectHttpError(response.status, await response.text())
    return response.json()
  },
  // As redux-offline's `discard`: true gives the action up (rollback), false tries it again later.
  discard: (error, _action, retries) => retries >= 10 || defaultDiscard(error),
})
