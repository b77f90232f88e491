import { useSelector, useStore } from 'react-redux'
import { selectLocalId } from 'rtk-offline'
import { items, type RootState } from './store'

export function ItemList() {
  const all = useSelector(items.selectors.selectAll)
  const store = useStore<RootState>()
  // The key is the id the row was made with here: it stays the same when the server's id replaces it, so
  // React keeps the row (its focus, its input) instead of mounting a new one. The remap and the new ids
  // come in one action, so this render already sees both.
  const keyOf = (id: string) => String(selectLocalId(store.getState(), 'items', id) ?? id)
  return (
    <ul>
      {all.map((item) => (
        <li key={keyOf(item.id)}>{item.title}</li>
      ))}
    </ul>
  )
}
