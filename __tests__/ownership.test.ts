import { describe, expect, it } from '@jest/globals'
import { isHandoffFor, madeByRun, proves, runIdentity } from '../src/aws/ownership.js'
import type { RunContext } from '../src/settings.js'
import { Purpose, resourceTags, TagKeys } from '../src/tags.js'

const RUN: RunContext = {
  repository: 'acme/app',
  runId: '4242',
  runAttempt: '2',
  workflow: 'refresh',
  serverUrl: 'https://github.com',
}
const run = runIdentity(RUN, 'Staging-PG')
const tag = (Key: string, Value: string) => ({ Key, Value })
const managed = tag(TagKeys.managed, 'true')

describe('ownership proofs', () => {
  it('this run made it: managed, this run id and attempt, and this target, nothing less', () => {
    const target = tag(TagKeys.target, 'staging-pg')
    expect(madeByRun([managed, tag(TagKeys.runId, '4242-2'), target], run)).toBe(true)
    expect(madeByRun([managed, tag(TagKeys.runId, '4242-1'), target], run)).toBe(false)
    expect(madeByRun([tag(TagKeys.runId, '4242-2'), target], run)).toBe(false)
    // A sibling job of the same workflow run (matrix) made it for another target, or for none.
    expect(
      madeByRun([managed, tag(TagKeys.runId, '4242-2'), tag(TagKeys.target, 'other')], run),
    ).toBe(false)
    expect(madeByRun([managed, tag(TagKeys.runId, '4242-2')], run)).toBe(false)
    expect(madeByRun([managed, tag(TagKeys.runId, '4242-2')], runIdentity(RUN))).toBe(true)
    expect(madeByRun([managed], run)).toBe(false)
    expect(madeByRun(undefined, run)).toBe(false)
  })

  it('the hand-off for this target: same workflow run (any attempt), purpose hand-off, this target', () => {
    const handoff = resourceTags([managed, tag(TagKeys.runId, '4242-1')], {
      purpose: Purpose.handoff,
      target: 'staging-pg',
    })
    expect(isHandoffFor(handoff, run)).toBe(true)
    expect(proves('handoff', handoff, run)).toBe(true)
    // ...but it is not this attempt's own resource.
    expect(proves('run', handoff, run)).toBe(false)
    const other = (change: (tags: typeof handoff) => typeof handoff) =>
      isHandoffFor(change(handoff), run)
    expect(other((t) => t.filter((x) => x.Key !== TagKeys.managed))).toBe(false)
    expect(other((t) => t.filter((x) => x.Key !== TagKeys.target))).toBe(false)
    expect(
      other((t) => t.map((x) => (x.Key === TagKeys.runId ? tag(TagKeys.runId, '4243-1') : x))),
    ).toBe(false)
    expect(
      other((t) => t.map((x) => (x.Key === TagKeys.target ? tag(TagKeys.target, 'staging') : x))),
    ).toBe(false)
    expect(
      other((t) =>
        t.map((x) => (x.Key === TagKeys.purpose ? tag(TagKeys.purpose, Purpose.intermediate) : x)),
      ),
    ).toBe(false)
    expect(isHandoffFor(handoff, runIdentity(RUN))).toBe(false)
  })
})
