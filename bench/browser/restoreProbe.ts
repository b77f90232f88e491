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

export async function probeReads(dbName: string, storeName: string, prefix: string, times = 3, alternations = 7): Promise<string> {
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
  lines.push(`sample keys: ${keys.slice(0, 2).join(', ')} … ${keys.slice(-2).join(', ')}`)
  // The range cut into parts issued together in one transaction, each parsed when it arrives (the
  // renderer is idle while the backend reads): the parse overlaps the rest of the read.
  const cutsOf = (chars: string) => [prefix, ...['op/', ...chars.split('').map((c) => `op/${c}`), 'op0', 'rec/todos/3', 'rec/todos/6'].map((rest) => prefix + rest)]
  let cuts = cutsOf('123456789abcdef')
  const partitioned = async (parse: boolean) => {
    const s = store() as unknown as { getAllRecords(o: { query: IDBKeyRange }): IDBRequest<Array<{ key: string; value: string }>> }
    const parts = cuts.map((low, index) => {
      const high = cuts[index + 1]
      const part = high === undefined ? IDBKeyRange.bound(low, range.upper as string, false, true) : IDBKeyRange.bound(low, high, false, true)
      return req(s.getAllRecords({ query: part })).then((found) => {
        if (parse) for (const record of found) JSON.parse(record.value)
        return found.length
      })
    })
    return Promise.all(parts)
  }
  lines.push(`parts: ${(await partitioned(false)).join(' ')}`)
  lines.push(`getAllRecords in ${cuts.length} parts, parallel:        ${await timed(times, () => partitioned(false))}`)
  lines.push(`the same, each part parsed on arrival: ${await timed(times, () => partitioned(true))}`)
  const sequential = async (count: number) => {
    let low: IDBKeyRange = range
    let total = 0
    for (;;) {
      const s = store() as unknown as { getAllRecords(o: { query: IDBKeyRange; count: number }): IDBRequest<Array<{ key: string; value: string }>> }
      const found = await req(s.getAllRecords({ query: low, count }))
      for (const record of found) JSON.parse(record.value)
      total += found.length
      if (found.length < count) return total
      low = IDBKeyRange.bound(found.at(-1)!.key, range.upper as string, true, true)
    }
  }
  // Alternating rounds (the machine is shared): each way of reading in turn, medians.
  const ways: Array<[string, () => Promise<unknown>]> = [
    ['one getAllRecords, then every value parsed', () => req(withRecords()).then((found) => { for (const record of found as Array<{ value: string }>) JSON.parse(record.value) })],
  ]
  for (const chars of ['', '48c', '123456789abcdef']) {
    const these = cutsOf(chars)
    ways.push([`getAllRecords in ${these.length} parts at once, each parsed on arrival`, () => { cuts = these; return partitioned(true) }])
  }
  ways.push(['getAllKeys + getAll at once, then every value parsed', () => { const s = store(); return Promise.all([req(s.getAllKeys(range)), req(s.getAll(range))]).then(([, found]) => { for (const value of found) JSON.parse(value as string) }) }])
  ways.push(['getAllRecords 1,000 at a time (count, one after another), parsed on arrival', () => sequential(1000)])
  const samples = new Map<string, number[]>()
  for (let round = 0; round < alternations; round++)
    for (let index = 0; index < ways.length; index++) {
      const [name, run] = ways[(index + round) % ways.length]!
      const begin = performance.now()
      await run()
      samples.set(name, [...(samples.get(name) ?? []), performance.now() - begin])
    }
  for (const [name, values] of samples) {
    values.sort((a, b) => a - b)
    lines.push(`${values[values.length >> 1]!.toFixed(0).padStart(5)} ms  ${name} [${values.map((v) => v.toFixed(0)).join(' ')}]`)
  }
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
    [
      'the records and metadata as stored, the operations as 10 arrays of their strings (a format with fewer operation values)',
      [
        ...keys.flatMap((key, index): Array<[string, unknown]> => (key.startsWith(`${prefix}op/`) ? [] : [[key, values[index]]])),
        ...Array.from({ length: 10 }, (_, part): [string, unknown] => {
          const ops = values.filter((_, index) => keys[index]!.startsWith(`${prefix}op/`))
          const size = Math.ceil(ops.length / 10)
          return [`${prefix}ops/${part}`, ops.slice(part * size, part * size + size)]
        }),
      ],
    ],
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
