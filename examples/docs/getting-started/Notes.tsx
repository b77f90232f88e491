import { Provider, useDispatch, useSelector } from 'react-redux'
import { PendingBadge, SyncStatusBanner, useSyncStatus } from 'rtk-offline/react'
import { notes, store } from './store'

function NoteList() {
  const all = useSelector(notes.selectors.selectAll)
  const dispatch = useDispatch()
  const { phase, pending } = useSyncStatus()
  const add = () => dispatch(notes.actions.added({ id: crypto.randomUUID(), text: 'New note' }))
  return (
    <main>
      <SyncStatusBanner />
      <p>
        {phase}, {pending} pending
      </p>
      <button onClick={add}>Add a note</button>
      <ul>
        {all.map((note) => (
          <li key={note.id}>
            {note.text} <PendingBadge entity="notes" id={note.id} />
          </li>
        ))}
      </ul>
    </main>
  )
}

export function App() {
  return (
    <Provider store={store}>
      <NoteList />
    </Provider>
  )
}
