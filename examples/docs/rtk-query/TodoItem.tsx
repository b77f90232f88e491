import { useSelector } from 'react-redux'
import { useSyncStatus } from 'rtk-offline/react'
import { useToggleTodoMutation, type Todo } from './after/api'
import { offlineMutations } from './after/store'

// The hook as before: its trigger resolves (and `result` settles) when the server has answered, which
// offline may be much later. Until then `result.isLoading` is true and the mutation is in the outbox.
export function TodoItem({ todo }: { todo: Todo }) {
  const [toggleTodo, result] = useToggleTodoMutation()
  const queued = useSelector((state) => offlineMutations.selectQueuedByRequestId(state, result.requestId))
  const { online } = useSyncStatus()
  return (
    <li>
      <label>
        <input type="checkbox" checked={todo.done} onChange={() => toggleTodo({ id: todo.id, done: !todo.done })} />
        {todo.title}
      </label>
      {queued && <small>{online ? ' sending…' : ' saved on this device, sent when online'}</small>}
      {result.isError && <small role="alert"> the server refused this change</small>}
    </li>
  )
}
