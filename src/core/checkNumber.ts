import { SyncSetupError } from './errors'

/**
 * Checks one numeric option and returns it: a number (an integer when `integer`) at least `min`, else a
 * SyncSetupError saying `<label> must be a number ≥ <min>, got <value>.`. One helper for every numeric
 * option, so each costs a call instead of its own test and message.
 */
export function checkNumber(label: string, value: unknown, min: number, integer?: boolean): number {
  if (typeof value !== 'number' || !(integer ? Number.isInteger(value) : value === value) || value < min)
    throw new SyncSetupError(`${label} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${String(value)}.`)
  return value
}
