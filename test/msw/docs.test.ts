import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as kit from 'rtk-offline/msw'

const doc = readFileSync(new URL('../../docs/msw.md', import.meta.url), 'utf8')

describe('docs/msw.md', () => {
  it('shows the example exactly as test/msw/example.test.ts, which runs with the tests', () => {
    const example = readFileSync(new URL('./example.test.ts', import.meta.url), 'utf8')
    const section = doc.slice(doc.indexOf('## Example'))
    const start = section.indexOf('```ts\n') + 6
    expect(section.slice(start, section.indexOf('\n```', start) + 1)).toBe(example)
  })

  it('documents every export and every control', () => {
    for (const name of Object.keys(kit)) expect(doc).toContain(name)
    for (const control of ['seed', 'editRemote', 'deleteRemote', 'records', 'record', 'setLatency', 'failNext', 'requests', 'reset', 'snapshot'])
      expect(doc).toContain(`\`${control}`)
  })
})
