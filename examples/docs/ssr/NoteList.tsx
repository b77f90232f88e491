'use client'

import { useSelector } from 'react-redux'
import { PendingBadge, SyncStatusBanner } from 'rtk-offline/react'
import { notes } from './notes'

// rtk-offline/react's hooks and components read the store: they live in client components.
export function NoteList() {
  const all = useSelector(notes.selectors.selectAll)
  return (
    <>
      <SyncStatusBanner />
      <ul>
        {all.map((note) => (
          <li key={note.id}>
            {note.text} <PendingBadge entity="notes" id={note.id} />
          </li>
        ))}
      </ul>
    </>
  )
}
