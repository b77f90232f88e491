import type { SyncedEntityState } from 'rtk-offline'
import { notes, type Note } from './notes'

/** The notes slice holding records as the server has them (with their versions), none pending. */
export function notesState(records: Note[]): SyncedEntityState<Note> {
  const empty = notes.reducer(undefined, { type: 'ssr/init' })
  return { ...empty, ids: records.map((note) => note.id), entities: Object.fromEntries(records.map((note) => [note.id, note])) }
}
