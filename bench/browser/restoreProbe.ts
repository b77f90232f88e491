/**
 * Raw IndexedDB reads of what the restore bench stored, without rtk-offline (bench/profile/restoreBrowser.ts
 * --probe): what the read costs by request kind, and what the same bytes would cost stored as fewer, larger
 * values (a throwaway database beside localforage's, deleted after; not a format rtk-offline writes).
 */

const req = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })

function openDb(name: string, store?: string): Promise<IDBDatabase> {
  const open = indexedDB.open(name)
  if (store) open.onupgradeneeded = () => open.result.createObjectStore(store)
  return req(open)
}

/** Median of `times` runs of `run`, in ms (issue → success as the page sees it). */
async function timed(times: number, run: () => Promise<unknown>): Promise<string> {
  const samples: number[] = []
  for (let index = 0; index < times; index++) {
    const start = performance.now()
    await run()
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  return `${samples[samples.length >> 1]!.toFixed(0)} ms [${samples.map((s) => s.toFixed(0)).join(' ')}]`
}

export async function probeReads(dbName: string, storeName: string, prefix: string, times = 3): Promise<string> {
  const db = await openDb(dbName)
  const range = IDBKeyRange.bound(prefix, prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1), false, true)
  const store = () => db.transaction(storeName, 'readonly').objectStore(storeName)
  const lines: string[] = []
  const all = (await req((store() as unknown as { getAllRecords(o: { query: IDBKeyRange }): IDBRequest<Array<{ key: string; value: string }>> }).getAllRecords({ query: range })))
  const keys = all.map((record) => record.key)
  const values = all.map((record) => record.value)
  const chars = values.reduce((sum, value) => sum + (typeof value === 'string' ? value.length : 0), 0)
  lines.push(`stored under ${prefix}: ${keys.length} values, ${(chars / 1e6).toFixed(2)} M chars (strings: ${values.every((v) => typeof v === 'string')})`)
  const withRecords = () => (store() as unknown as { getAllRecords(o: { query: IDBKeyRange }): IDBRequest<unknown[]> }).getAllRecords({ query: range })
  lines.push(`getAllRecords(range):          ${await timed(times, () => req(withRecords()))}`)
  lines.push(`getAll(range):                 ${await timed(times, () => req(store().getAll(range)))}`)
  lines.push(`getAllKeys(range):             ${await timed(times, () => req(store().getAllKeys(range)))}`)
  lines.push(`count(range):                  ${await timed(times, () => req(store().count(range)))}`)
  lines.push(`getAllKeys + getAll, parallel: ${await timed(times, () => { const s = store(); return Promise.all([req(s.getAllKeys(range)), req(s.getAll(range))]) })}`)
  const parseStart = performance.now()
  for (const value of values) JSON.parse(value as string)
  lines.push(`JSON.parse of every value, alone: ${(performance.now() - parseStart).toFixed(0)} ms`)
  db.close()

  // The same bytes as fewer values, in a throwaway database.
  const probeName = 'rtk-offline-restore-probe'
  const probe = await openDb(probeName, 'kv')
  const write = async (entries: Array<[string, unknown]>) => {
    const tx = probe.transaction('kv', 'readwrite')
    tx.objectStore('kv').clear()
    for (const [key, value] of entries) tx.objectStore('kv').put(value, key)
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve
      tx.onerror = () => reject(tx.error)
    })
  }
  const readAll = () => req(probe.transaction('kv', 'readonly').objectStore('kv').getAll())
  const shapes: Array<[string, Array<[string, unknown]>]> = [
    [`${keys.length} values as stored (a copy)`, keys.map((key, index) => [key, values[index]])],
    [`${keys.length} one-character values (per-value cost)`, keys.map((key) => [key, 'x'])],
    ['the same strings as one array value', [['all', values]]],
    ['the same strings joined into one string', [['all', JSON.stringify(values)]]],
    ['the same strings in 11 arrays of ~1,000', Array.from({ length: Math.ceil(values.length / 1000) }, (_, index) => [`part${index}`, values.slice(index * 1000, index * 1000 + 1000)])],
    ['the values parsed, as one array of objects', [['all', values.map((value) => JSON.parse(value as string) as unknown)]]],
  ]
  for (const [what, entries] of shapes) {
    await write(entries)
    lines.push(`probe db, ${what}: getAll ${await timed(times, readAll)}`)
  }
  probe.close()
  await req(indexedDB.deleteDatabase(probeName))
  return lines.join('\n')
}
