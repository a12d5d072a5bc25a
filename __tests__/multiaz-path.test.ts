/**
 * Which path a Multi-AZ relay starts on, from the inputs, the phase and the source (or the
 * hand-off), and which AWS answers turn it to the 7 steps.
 */
import { describe, expect, it } from '@jest/globals'
import {
  chooseMultiAzPath,
  fallBack,
  isRefusal,
  onPath,
  type PathFacts,
} from '../src/methods/relay/multiaz-path.js'
import { multiAzPathOutputs } from '../src/report.js'
import type { MultiAzPathInput, Phase } from '../src/settings.js'

const CLUSTER_ARN = 'arn:aws:rds:us-east-1:111111111111:cluster:prod-multiaz'
const HANDOFF = 'rds-refresh-42-1-snapshot-multiaz-db-m6gd-large'

function facts(options: {
  requested?: MultiAzPathInput
  phase?: Phase
  encrypted?: boolean
  sameAccount?: boolean
  arn?: string
  kind?: PathFacts['sourceDb']['kind']
}): PathFacts {
  return {
    settings: { multiAzPath: options.requested ?? 'auto', phase: options.phase ?? 'all' },
    sourceDb: {
      kind: options.kind ?? 'multi-az-cluster',
      encrypted: options.encrypted ?? true,
      arn: options.arn ?? CLUSTER_ARN,
    },
    sameAccount: options.sameAccount ?? false,
  }
}

const awsError = (name: string) => Object.assign(new Error(`${name} says no`), { name })

describe('chooseMultiAzPath', () => {
  it('auto tries the direct path first across accounts and in one account', () => {
    expect(chooseMultiAzPath(facts({}))).toMatchObject({ path: 'direct', forced: false })
    expect(chooseMultiAzPath(facts({ sameAccount: true }))).toMatchObject({
      path: 'direct',
      reason: expect.stringContaining('same account'),
    })
  })

  it('a split source job under auto takes the direct path for an unencrypted source only', () => {
    expect(chooseMultiAzPath(facts({ phase: 'source' }))).toMatchObject({
      path: 'seven-step',
      reason: expect.stringMatching(/^split jobs and an encrypted source/),
    })
    expect(chooseMultiAzPath(facts({ phase: 'source', encrypted: false }))?.path).toBe('direct')
    expect(chooseMultiAzPath(facts({ phase: 'source', requested: 'direct' }))).toMatchObject({
      path: 'direct',
      forced: true,
    })
  })

  it('the input forces a path', () => {
    for (const requested of ['direct', 'seven-step'] as const) {
      expect(chooseMultiAzPath(facts({ requested }))).toEqual({
        path: requested,
        reason: `multi-az-path: ${requested}`,
        forced: true,
        shared: false,
      })
    }
  })

  it('a destination job follows its hand-off, and refuses an input that contradicts it', () => {
    const clusterSnapshot = `arn:aws:rds:us-east-1:111111111111:cluster-snapshot:${HANDOFF}`
    const dbSnapshot = `arn:aws:rds:us-east-1:111111111111:snapshot:${HANDOFF}`
    expect(chooseMultiAzPath(facts({ phase: 'destination', arn: clusterSnapshot }))).toEqual({
      path: 'direct',
      reason: 'the hand-off is the Multi-AZ DB cluster snapshot itself',
      forced: true,
      shared: true,
    })
    expect(chooseMultiAzPath(facts({ phase: 'destination', arn: dbSnapshot }))).toMatchObject({
      path: 'seven-step',
      shared: false,
    })
    expect(() =>
      chooseMultiAzPath(facts({ phase: 'destination', arn: dbSnapshot, requested: 'direct' })),
    ).toThrow(
      /^multi-az-path: direct, but snapshot-arn is a DB snapshot \(the 7 steps\)\.\nWhat to do: A destination job follows the snapshot its source job handed over/,
    )
  })

  it('has nothing to choose for other sources, and refuses a forced path there', () => {
    expect(chooseMultiAzPath(facts({ kind: 'instance' }))).toBeUndefined()
    expect(() => chooseMultiAzPath(facts({ kind: 'aurora-cluster', requested: 'direct' }))).toThrow(
      'multi-az-path: direct applies to Multi-AZ DB cluster sources only',
    )
    expect(multiAzPathOutputs(undefined)).toEqual({})
    expect(onPath(undefined, 'seven-step')).toBe(true)
  })
})

describe('refusals', () => {
  it('turn the path on the codes AWS answers for an unsupported share or restore, nothing else', () => {
    expect(isRefusal(awsError('InvalidParameterValue'), 'share')).toBe(true)
    expect(isRefusal(awsError('InvalidParameterCombination'), 'restore')).toBe(true)
    expect(isRefusal(awsError('DBClusterSnapshotNotFoundFault'), 'restore')).toBe(true)
    expect(isRefusal(awsError('DBClusterSnapshotNotFoundFault'), 'share')).toBe(false)
    for (const name of ['KMSKeyNotAccessibleFault', 'AccessDenied', 'Throttling']) {
      expect(isRefusal(awsError(name), 'restore')).toBe(false)
    }
  })

  it('fallBack records the path and the reason the outputs give', () => {
    const choice = chooseMultiAzPath(facts({}))
    if (!choice) throw new Error('no choice')
    fallBack(choice, 'to share it', awsError('InvalidParameterValue'))
    expect(multiAzPathOutputs(choice)).toEqual({
      'multi-az-path': 'seven-step',
      'multi-az-path-reason':
        'AWS refused to share it (InvalidParameterValue: InvalidParameterValue says no); the 7 steps ran from the same cluster snapshot',
    })
  })
})
