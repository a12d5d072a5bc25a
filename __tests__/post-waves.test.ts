import { describe, expect, it } from '@jest/globals'
import type { CreatedResource } from '../src/engine/types.js'
import { removalWaves } from '../src/post.js'

const r = (kind: CreatedResource['kind'], id: string): CreatedResource => ({
  kind,
  id,
  side: 'source',
  disposal: 'temporary',
})

describe('post step removal waves', () => {
  it('removes shares, then instances, then clusters, then snapshots; kinds absent make no wave', () => {
    const created = [
      r('db-cluster-snapshot', 'cs'),
      r('db-instance', 'tmp'),
      r('db-snapshot', 'hand-off'),
      r('db-snapshot-share', 'hand-off'),
      r('db-cluster', 'copy'),
      r('db-instance', 'copy-1'),
    ]
    expect(removalWaves(created).map((wave) => wave.map((x) => `${x.kind} ${x.id}`))).toEqual([
      ['db-snapshot-share hand-off'],
      ['db-instance tmp', 'db-instance copy-1'],
      ['db-cluster copy'],
      ['db-cluster-snapshot cs', 'db-snapshot hand-off'],
    ])
    expect(removalWaves([r('db-snapshot', 's')])).toEqual([[r('db-snapshot', 's')]])
  })
})
