import { describe, expect, it } from 'vitest'
import { changeOnto } from '../../src/conflicts/decideConflict'
import { applyChange } from '../../src/core/change'

// Found by chaos seed 1949 (--no-tabs): an update parked as a create (the record was gone), kept with
// "keep mine" after someone else had created the record again with an edit of theirs; the change sent on
// top of their record removed their field.
describe('keeping mine for a create that met a record someone else created', () => {
  const remote = { id: 'a', title: 'Rope', theirs: 1, version: 1 }
  const local = { id: 'a', title: 'Mine', mine: 1, version: 1 }

  it('sends the fields of mine on top of theirs, and the fields only theirs has stay', () => {
    const change = changeOnto(remote, local, { kind: 'create', data: local })
    expect(change).toEqual({ kind: 'update', data: { title: 'Mine', mine: 1 } })
    expect(applyChange(remote, change!)).toEqual({ id: 'a', title: 'Mine', theirs: 1, mine: 1, version: 1 })
  })

  it('sends nothing when theirs holds mine already', () => {
    expect(changeOnto({ ...remote, ...local }, local, { kind: 'create', data: local })).toBeNull()
  })

  it('a merged record still replaces theirs as it is', () => {
    expect(changeOnto(remote, local)).toEqual({ kind: 'update', data: { title: 'Mine', theirs: null, mine: 1 } })
  })
})
