import { describe, expect, it } from '@jest/globals'
import { identifier } from '../src/inputs/parsers.js'
import { swapNames } from '../src/methods/lifecycle/swap-names.js'
import { runNames } from '../src/names.js'
import type { RunContext } from '../src/settings.js'

const RUN: RunContext = {
  repository: 'acme/app',
  runId: '12345678901',
  runAttempt: '3',
  workflow: 'nightly',
  serverUrl: 'https://github.com',
}

/** mulberry32: a repeatable sequence, so a failure names the same targets every time. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A valid target: 1-63 characters, a letter first, no `--`, no trailing `-`. */
function validTarget(next: () => number): string {
  const length = 1 + Math.floor(next() * 63)
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  let value = letters[Math.floor(next() * 26)] ?? 'a'
  while (value.length < length) {
    const hyphen = next() < 0.25 && !value.endsWith('-') && value.length < length - 1
    value += hyphen ? '-' : (letters + '0123456789')[Math.floor(next() * 36)]
  }
  return value
}

const isValid = (name: string): boolean => {
  try {
    identifier('name', name)
    return name.length <= 63
  } catch {
    return false
  }
}

describe('swapNames', () => {
  it('names the copies after the target and the run', () => {
    expect(swapNames('staging-db', RUN)).toEqual({
      target: 'staging-db',
      staging: 'staging-db-12345678901-3-new',
      retired: 'staging-db-12345678901-3-old',
    })
  })

  const edges = [
    'a',
    'a'.repeat(63),
    `${'a'.repeat(59)}-b`,
    `${'a'.repeat(30)}-${'b'.repeat(32)}`,
    `x-${'1'.repeat(61)}`,
  ]
  const next = random(9)
  const targets = [...edges, ...Array.from({ length: 2000 }, () => validTarget(next))]

  it('gives valid identifiers for every valid target, instances included, whatever the run id', () => {
    const runs: RunContext[] = [
      RUN,
      { ...RUN, runId: '', runAttempt: '' },
      { ...RUN, runId: 'A_b' },
    ]
    for (const run of runs) {
      for (const target of targets) {
        const names = swapNames(target, run)
        for (const name of [names.staging, names.retired]) {
          const instances = Array.from({ length: 16 }, (_, i) =>
            runNames(name, run).instance(i + 1),
          )
          const invalid = [name, ...instances].filter((n) => !isValid(n))
          expect({ target, invalid }).toEqual({ target, invalid: [] })
        }
        expect(names.staging).not.toBe(names.retired)
      }
    }
  })

  it('never gives two targets the same temporary names', () => {
    const seen = new Map<string, string>()
    for (const target of new Set(targets)) {
      const { staging } = swapNames(target, RUN)
      expect(seen.get(staging) ?? target).toBe(target)
      seen.set(staging, target)
    }
  })
})
