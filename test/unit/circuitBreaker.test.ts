import { describe, expect, it } from 'vitest'
import {
  closedCircuit,
  nextCircuit,
  resolveCircuitBreakerOptions,
  type CircuitBreakerOptions,
  type CircuitEvent,
  type CircuitState,
} from '../../src/core/circuitBreaker'
import { SyncSetupError } from '../../src/core/errors'

const options = resolveCircuitBreakerOptions({ failureThreshold: 3, cooldownMs: 1000 })

/** Runs events through the breaker from a closed circuit and returns every state on the way. */
function run(events: ReadonlyArray<[CircuitEvent, number]>, start: CircuitState = closedCircuit): CircuitState[] {
  const states: CircuitState[] = []
  let circuit = start
  for (const [event, now] of events) {
    circuit = nextCircuit(circuit, event, now, options)
    states.push(circuit)
  }
  return states
}

const open = (failures: number, openUntil: number): CircuitState => ({ state: 'open', failures, openUntil })
const closed = (failures: number): CircuitState => ({ state: 'closed', failures, openUntil: null })
const halfOpen = (failures: number): CircuitState => ({ state: 'half-open', failures, openUntil: null })

describe('resolveCircuitBreakerOptions', () => {
  it('defaults to opening after 5 failures for 30 s', () => {
    expect(resolveCircuitBreakerOptions()).toEqual({ failureThreshold: 5, cooldownMs: 30_000 })
    expect(resolveCircuitBreakerOptions({ cooldownMs: 0 })).toEqual({ failureThreshold: 5, cooldownMs: 0 })
    expect(resolveCircuitBreakerOptions({ failureThreshold: 1 })).toEqual({ failureThreshold: 1, cooldownMs: 30_000 })
  })

  it('takes an option set to undefined as not given', () => {
    expect(resolveCircuitBreakerOptions({ failureThreshold: undefined, cooldownMs: undefined })).toEqual({
      failureThreshold: 5,
      cooldownMs: 30_000,
    })
  })

  it.each<[CircuitBreakerOptions, string]>([
    [{ failureThreshold: 0 }, 'rtk-offline: circuitBreaker.failureThreshold must be an integer ≥ 1, got 0.'],
    [{ failureThreshold: 2.5 }, 'rtk-offline: circuitBreaker.failureThreshold must be an integer ≥ 1, got 2.5.'],
    [{ failureThreshold: Number.NaN }, 'rtk-offline: circuitBreaker.failureThreshold must be an integer ≥ 1, got NaN.'],
    [{ failureThreshold: Infinity }, 'rtk-offline: circuitBreaker.failureThreshold must be an integer ≥ 1, got Infinity.'],
    [{ cooldownMs: -1 }, 'rtk-offline: circuitBreaker.cooldownMs must be a number ≥ 0, got -1.'],
    [{ cooldownMs: Number.NaN }, 'rtk-offline: circuitBreaker.cooldownMs must be a number ≥ 0, got NaN.'],
    [{ cooldownMs: '10' as unknown as number }, 'rtk-offline: circuitBreaker.cooldownMs must be a number ≥ 0, got 10.'],
  ])('throws a SyncSetupError for %o', (given, message) => {
    expect(() => resolveCircuitBreakerOptions(given)).toThrowError(expect.objectContaining({ code: 'setup', message }))
    expect(() => resolveCircuitBreakerOptions(given)).toThrowError(SyncSetupError)
  })
})

describe('nextCircuit', () => {
  it('starts closed with no failures', () => {
    expect(closedCircuit).toEqual(closed(0))
  })

  it('counts failures and opens at the threshold, not before, for one cool-down from the last failure', () => {
    expect(
      run([
        ['failure', 100],
        ['failure', 200],
        ['failure', 300],
      ]),
    ).toEqual([closed(1), closed(2), open(3, 1300)])
  })

  it('opens at the first failure with a threshold of 1', () => {
    const circuit = nextCircuit(closedCircuit, 'failure', 50, resolveCircuitBreakerOptions({ failureThreshold: 1, cooldownMs: 10 }))

    expect(circuit).toEqual(open(1, 60))
  })

  it('resets the failure count on success, so only consecutive failures open it', () => {
    expect(
      run([
        ['failure', 100],
        ['failure', 200],
        ['success', 300],
        ['failure', 400],
        ['failure', 500],
        ['failure', 600],
      ]),
    ).toEqual([closed(1), closed(2), closed(0), closed(1), closed(2), open(3, 1600)])
  })

  it('turns open into half-open on a probe, keeping the failure count', () => {
    expect(nextCircuit(open(3, 1300), 'probe', 1300, options)).toEqual(halfOpen(3))
  })

  it('leaves a closed or half-open circuit as it is on a probe', () => {
    const closedWithFailures = closed(2)
    const probing = halfOpen(3)

    expect(nextCircuit(closedWithFailures, 'probe', 0, options)).toBe(closedWithFailures)
    expect(nextCircuit(probing, 'probe', 0, options)).toBe(probing)
  })

  it('reopens at once with a fresh cool-down when the probe fails', () => {
    expect(
      run([
        ['failure', 100],
        ['failure', 200],
        ['failure', 300],
        ['probe', 1300],
        ['failure', 5000],
      ]),
    ).toEqual([closed(1), closed(2), open(3, 1300), halfOpen(3), open(4, 6000)])
  })

  it('reopens from half-open on one failure even below the threshold', () => {
    expect(nextCircuit(halfOpen(0), 'failure', 2000, options)).toEqual(open(1, 3000))
  })

  it('closes when the probe succeeds', () => {
    expect(run([['success', 2000]], halfOpen(3))).toEqual([closed(0)])
  })

  it('closes from any state on reset', () => {
    expect(nextCircuit(open(3, 1300), 'reset', 500, options)).toEqual(closed(0))
    expect(nextCircuit(halfOpen(3), 'reset', 500, options)).toEqual(closed(0))
    expect(nextCircuit(closed(2), 'reset', 500, options)).toEqual(closed(0))
  })

  it('does not change the state it is given', () => {
    const circuit = Object.freeze(open(3, 1300))
    nextCircuit(circuit, 'probe', 1300, options)
    nextCircuit(circuit, 'failure', 1300, options)

    expect(circuit).toEqual(open(3, 1300))
    expect(closedCircuit).toEqual(closed(0))
  })

  it('keeps states plain and serialisable', () => {
    const states = run([
      ['failure', 1],
      ['failure', 2],
      ['failure', 3],
      ['probe', 1003],
      ['success', 1004],
    ])

    expect(JSON.parse(JSON.stringify(states))).toEqual(states)
  })
})
