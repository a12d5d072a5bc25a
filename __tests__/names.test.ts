/**
 * Every name the action derives is valid by AWS's rule for its kind, for every valid target and
 * any run id: property-style, over generated targets with the edge cases listed first (issue 7:
 * a 61-character target whose 60th character is '-' gave `…--1`).
 */
import { describe, expect, it } from '@jest/globals'
import type { RefreshContext } from '../src/methods/common/context.js'
import type { SourceKind } from '../src/methods/common/detect.js'
import {
  handoffSnapshotName,
  kindOfHandoff,
  withClusterSnapshotName,
} from '../src/methods/relay/names.js'
import { runNames } from '../src/names.js'
import type { RunContext } from '../src/settings.js'

/**
 * AWS's rule, written out here rather than imported so the test checks the code against it:
 * 1 to `max` letters, digits or hyphens, a letter first, no '--', no trailing '-'
 * (DB instance / cluster / cluster snapshot identifiers: 63; DB snapshot identifiers: 255).
 */
function validName(name: string, max: number): boolean {
  return (
    name.length >= 1 &&
    name.length <= max &&
    /^[a-z][a-z0-9-]*$/.test(name) &&
    !name.includes('--') &&
    !name.endsWith('-')
  )
}

const IDENTIFIER = 63
const DB_SNAPSHOT = 255
const CLUSTER_SNAPSHOT = 63

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'
const TAIL = `${LETTERS}0123456789`

/** A valid identifier of `length` characters with hyphens where `hyphenAt` allows them. */
function target(length: number, pick: () => number, hyphenRate = 0.3): string {
  let name = LETTERS[Math.floor(pick() * LETTERS.length)] ?? 'a'
  while (name.length < length) {
    const last = name.length === length - 1
    const hyphen = !last && !name.endsWith('-') && pick() < hyphenRate
    name += hyphen ? '-' : (TAIL[Math.floor(pick() * TAIL.length)] ?? 'a')
  }
  return name
}

/** Targets of length 61-63 with a hyphen at every position a cut can land on. */
function hyphenAtEveryCut(): string[] {
  const targets: string[] = []
  for (const length of [58, 59, 60, 61, 62, 63]) {
    for (let at = 1; at < length - 1; at++) {
      targets.push(`${'a'.repeat(at)}-${'b'.repeat(length - at - 1)}`)
    }
  }
  return targets
}

function generatedTargets(): string[] {
  const pick = random(20261130)
  const edges = [
    'a',
    'a1',
    'a-1',
    'x'.repeat(63),
    'x'.repeat(61),
    'x'.repeat(62),
    `${'a'.repeat(59)}-1b`,
    `${'a'.repeat(59)}-1-b`,
    `${'a1-'.repeat(20)}abc`,
    `p${'9'.repeat(62)}`,
    ...hyphenAtEveryCut(),
  ]
  const randomOnes = Array.from({ length: 400 }, () =>
    target(1 + Math.floor(pick() * 63), pick, pick() < 0.5 ? 0.5 : 0.15),
  )
  return [...edges, ...randomOnes]
}

const RUNS: Partial<RunContext>[] = [
  { runId: '', runAttempt: '' },
  { runId: '1', runAttempt: '1' },
  { runId: '12345678901', runAttempt: '3' },
  { runId: '9'.repeat(40), runAttempt: '99' },
  { runId: 'Local Run/7', runAttempt: '1' },
  { runId: '--', runAttempt: '-' },
]

function run(overrides: Partial<RunContext>): RunContext {
  return {
    repository: 'acme/app',
    runId: '42',
    runAttempt: '1',
    workflow: 'ci',
    serverUrl: 'https://github.com',
    ...overrides,
  }
}

/** The instance indexes a copy can have: instance-count is 1 to 16. */
const INDEXES = Array.from({ length: 16 }, (_, i) => i + 1)

describe('derived names', () => {
  const targets = generatedTargets()

  it('are valid DB instance identifiers for every instance of every valid target', () => {
    for (const name of targets) {
      expect(validName(name, IDENTIFIER)).toBe(true)
      const names = runNames(name, run({}))
      const instances = INDEXES.map((index) => names.instance(index))
      const invalid = instances.filter((id) => !validName(id, IDENTIFIER))
      expect({ target: name, invalid }).toEqual({ target: name, invalid: [] })
      expect(new Set(instances).size).toBe(INDEXES.length)
      expect(instances).not.toContain(name)
    }
  })

  it('are the same on a re-run (deterministic) and keep short targets as they were', () => {
    for (const name of targets) {
      const first = runNames(name, run({}))
      const again = runNames(name, run({}))
      expect(INDEXES.map((i) => again.instance(i))).toEqual(INDEXES.map((i) => first.instance(i)))
    }
    expect(runNames('pr-123', run({})).instance(1)).toBe('pr-123-1')
    expect(runNames('x'.repeat(60), run({})).instance(16)).toBe(`${'x'.repeat(60)}-16`)
    expect(runNames(`${'a'.repeat(59)}-bc`, run({})).instance(1)).toBe(`${'a'.repeat(59)}-1`)
  })

  it('are valid for the intermediates of any run id and attempt', () => {
    for (const overrides of RUNS) {
      const names = runNames('staging-db', run(overrides))
      const checks: [string, number][] = [
        [names.tempInstance, IDENTIFIER],
        [names.sourceClusterSnapshot, CLUSTER_SNAPSHOT],
        [names.destinationSnapshot, CLUSTER_SNAPSHOT],
        [names.sourceSnapshot, DB_SNAPSHOT],
      ]
      for (const [name, max] of checks) {
        expect({ run: overrides, name, valid: validName(name, max) }).toEqual({
          run: overrides,
          name,
          valid: true,
        })
      }
      const again = runNames('staging-db', run(overrides))
      expect(JSON.stringify(again)).toBe(JSON.stringify(names))
      expect(again.instance(3)).toBe(names.instance(3))
    }
  })

  it('tell runs apart by id and attempt', () => {
    const a = runNames('t', run({ runId: '100', runAttempt: '1' }))
    const b = runNames('t', run({ runId: '100', runAttempt: '2' }))
    const c = runNames('t', run({ runId: '1001', runAttempt: '' }))
    expect(new Set([a.tempInstance, b.tempInstance, c.tempInstance]).size).toBe(3)
  })
})

describe('hand-off and copy names', () => {
  function context(kind: SourceKind, instanceClass: string | undefined, overrides = {}) {
    return {
      names: runNames('staging-db', run(overrides)),
      sourceDb: { kind, cluster: { DBClusterInstanceClass: instanceClass } },
    } as unknown as RefreshContext
  }

  it('hand-off snapshot names are valid DB snapshot identifiers and say the source kind', () => {
    const classes = ['db.m6gd.large', 'db.r6gd.16xlarge', 'db.x2iedn.metal', undefined]
    for (const overrides of RUNS) {
      for (const instanceClass of classes) {
        const name = handoffSnapshotName(context('multi-az-cluster', instanceClass, overrides))
        expect({ name, valid: validName(name, DB_SNAPSHOT) }).toEqual({ name, valid: true })
        expect(kindOfHandoff('db-snapshot', name)).toEqual(
          instanceClass
            ? { kind: 'multi-az-cluster', instanceClass }
            : { kind: 'multi-az-cluster' },
        )
      }
      const instance = handoffSnapshotName(context('instance', undefined, overrides))
      expect(validName(instance, DB_SNAPSHOT)).toBe(true)
      expect(kindOfHandoff('db-snapshot', instance)).toEqual({ kind: 'instance' })
    }
  })

  it("a Multi-AZ relay's cluster snapshot says its class when the name has room, and its engine says Multi-AZ", () => {
    const classes = ['db.m6gd.large', 'db.r6gd.16xlarge', 'db.x2iedn.metal', 'db.x2iedn.32xlarge']
    for (const overrides of RUNS) {
      for (const instanceClass of classes) {
        const { names, sourceDb } = context('multi-az-cluster', instanceClass, overrides)
        const name = withClusterSnapshotName(names, sourceDb).sourceClusterSnapshot
        expect({ name, valid: validName(name, CLUSTER_SNAPSHOT) }).toEqual({ name, valid: true })
        const fits = name !== names.sourceClusterSnapshot
        expect(kindOfHandoff('db-cluster-snapshot', name, 'postgres')).toEqual(
          fits ? { kind: 'multi-az-cluster', instanceClass } : { kind: 'multi-az-cluster' },
        )
        expect(kindOfHandoff('db-cluster-snapshot', name, 'aurora-postgresql')).toEqual({
          kind: 'aurora-cluster',
        })
      }
    }
    const short = context('multi-az-cluster', 'db.m6gd.large', { runId: '12345678901' })
    expect(withClusterSnapshotName(short.names, short.sourceDb).sourceClusterSnapshot).toBe(
      'rds-refresh-12345678901-1-cluster-multiaz-db-m6gd-large',
    )
    const aurora = context('aurora-cluster', 'db.r6g.large')
    expect(withClusterSnapshotName(aurora.names, aurora.sourceDb)).toBe(aurora.names)
  })

  it("the destination's copy is named after the run, valid as a DB cluster snapshot (the shorter limit)", () => {
    for (const overrides of RUNS) {
      const copy = runNames('staging-db', run(overrides)).destinationSnapshot
      expect({ copy, valid: validName(copy, CLUSTER_SNAPSHOT) }).toEqual({ copy, valid: true })
    }
  })
})
