import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bundledFiles } from '../support/bundledFiles'

const root = fileURLToPath(new URL('../..', import.meta.url))
const reactNames = [...readFileSync(`${root}src/react/index.ts`, 'utf8').matchAll(/^export \{ (\w+) \}/gm)].map((match) => match[1]!)

const isInspector = (file: string) => file.startsWith('src/react/inspector/')

describe('the inspector is bundled only when imported', () => {
  it('an app that imports every other export of rtk-offline/react ships none of it', async () => {
    const others = reactNames.filter((name) => name !== 'SyncInspector')
    expect(others).toContain('SyncStatusBanner')
    expect((await bundledFiles(others, 'react')).filter(isInspector)).toEqual([])
  })

  it('an app that imports SyncInspector ships it', async () => {
    expect(await bundledFiles(['SyncInspector'], 'react')).toContain('src/react/inspector/SyncInspector.tsx')
  })
})
