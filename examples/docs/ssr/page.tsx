// app/notes/page.tsx: a server component (no 'use client'), run on the server for each request.
import { NoteList } from './NoteList'
import type { Note } from './notes'
import { notesState } from './notesState'
import { StoreProvider } from './StoreProvider'

declare function loadNotes(): Promise<Note[]> // your own data access, with each record's version

export default async function NotesPage() {
  const records = await loadNotes()
  return (
    <StoreProvider preloadedState={{ notes: notesState(records) }}>
      <NoteList />
    </StoreProvider>
  )
}
