import { closedCircuit, nextCircuit } from '../../core/circuitBreaker'
import {
  authRestored,
  drainWaiting,
  networkChanged,
  opsSent,
  opsSettled,
  opsUnsent,
  pause,
  pullFailed,
  resume,
  syncNow,
} from '../actions'
import { clearOpBackoff, isAnswered } from './operationLedger'
import { on, type OutboxConfig, type SyncCase } from './syncCase'

/**
 * The sync status: online, paused, waiting for credentials, the circuit breaker, the next retry time, the
 * latest success and failure (whether the restore is done and who is signed in: persistence's cases, in
 * rtk-offline/persist's outboxCases.ts). Its cases of opsSettled run before the ledger's, which moves the
 * operations they check.
 */
export function syncStatusCases(config: OutboxConfig): SyncCase[] {
  const ownsEntity = (entity: string) => config.priorities.has(entity)
  return [
    on(opsSent, (state, { payload }) => {
      state.nextAttemptAt = null
      if (payload.probe) state.circuit = nextCircuit(state.circuit, 'probe', payload.at, config.circuitBreaker)
    }),
    on(opsUnsent, (state, { payload }) => {
      state.lastError = payload.error
    }),
    on(opsSettled, (state, { payload }) => {
      for (const result of payload.results) {
        if (!isAnswered(state, result, ownsEntity)) continue
        if (result.type === 'auth') state.authRequired = true
        if (result.type === 'retry' || result.type === 'failed') state.lastError = result.error
      }
      if (payload.verdict === 'answered' || payload.verdict === 'pulled') {
        state.lastSyncedAt = payload.at
        // The backend answered, but a retry or failure in the same batch is still the latest news.
        if (payload.results.every((result) => result.type === 'confirmed' || result.type === 'conflict')) state.lastError = null
        if (payload.verdict === 'answered') state.circuit = nextCircuit(state.circuit, 'success', payload.at, config.circuitBreaker)
      } else if (payload.verdict === 'transient') state.circuit = nextCircuit(state.circuit, 'failure', payload.at, config.circuitBreaker)
    }),
    on(drainWaiting, (state, { payload }) => {
      state.nextAttemptAt = payload.nextAttemptAt
    }),
    on(syncNow, (state) => {
      // Every waiting operation may go at once.
      clearOpBackoff(state)
      state.nextAttemptAt = null
      // A probe may go at once through an open circuit.
      if (state.circuit.state === 'open') state.circuit.openUntil = 0
    }),
    on(pause, (state) => {
      state.paused = true
    }),
    on(resume, (state) => {
      state.paused = false
      state.authRequired = false
    }),
    on(authRestored, (state) => {
      state.authRequired = false
    }),
    on(networkChanged, (state, { payload }) => {
      if (payload.online === state.online) return
      state.online = payload.online
      if (payload.online) {
        // Back online: every waiting operation may go at once.
        clearOpBackoff(state)
        state.nextAttemptAt = null
        state.circuit = closedCircuit
      }
    }),
    on(pullFailed, (state, { payload }) => {
      if (!ownsEntity(payload.entity)) return
      state.lastError = payload.error
      if (payload.auth) state.authRequired = true
    }),
  ]
}
