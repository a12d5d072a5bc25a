import { describe, expect, it } from '@jest/globals'
import { runPlan, validatePlan, type EngineOutput } from '../src/engine/engine.js'
import { cancelledBy, deadlinePassed } from '../src/engine/deadline.js'
import { describeCancel, describePostStep, Ledger } from '../src/engine/ledger.js'
import type { CreatedResource, Plan, Step } from '../src/engine/types.js'
import { ActionError } from '../src/errors.js'

interface Recorder extends EngineOutput {
  lines: string[]
}

function recorder(): Recorder {
  const lines: string[] = []
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warning: (m) => lines.push(`warning ${m}`),
    debug: () => undefined,
    startGroup: (m) => lines.push(`group ${m}`),
    endGroup: () => lines.push('endgroup'),
  }
}

/** Lines printed while no group was open. */
function linesOutsideGroups(lines: readonly string[]): string[] {
  let open = false
  return lines.filter((line) => {
    if (line.startsWith('group ')) open = true
    else if (line === 'endgroup') open = false
    else return !open
    return false
  })
}

/** A step that logs its start and end into `events`, taking `ms`. */
function timedStep(
  name: string,
  events: string[],
  options: { after?: string[]; ms?: number; fail?: Error } = {},
): Step<object> {
  return {
    name,
    title: `do ${name}`,
    side: 'destination',
    after: options.after,
    async run(_ctx, runtime) {
      events.push(`start ${name}`)
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, options.ms ?? 5)
        runtime.signal.addEventListener('abort', () => {
          clearTimeout(timer)
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))
        })
      })
      if (options.fail) throw options.fail
      events.push(`end ${name}`)
    },
  }
}

function engineOptions(output = recorder()) {
  return { output, ledger: new Ledger(() => undefined), deadline: Date.now() + 60_000 }
}

describe('runPlan', () => {
  it('runs dependent steps in order and independent steps at the same time', async () => {
    const events: string[] = []
    const plan: Plan<object> = {
      description: 'test',
      steps: [
        timedStep('a', events),
        timedStep('b', events, { after: ['a'], ms: 40 }),
        timedStep('c', events, { after: ['a'], ms: 10 }),
        timedStep('d', events, { after: ['b', 'c'] }),
      ],
    }
    const result = await runPlan(plan, {}, engineOptions())
    expect(result.error).toBeUndefined()
    expect(events).toEqual([
      'start a',
      'end a',
      'start b',
      'start c',
      'end c',
      'end b',
      'start d',
      'end d',
    ])
    expect(result.steps.map((s) => s.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ])
    const [a, b] = result.steps
    expect(a?.endedAt?.getTime()).toBeLessThanOrEqual(b?.startedAt?.getTime() ?? 0)
  })

  it('stops on the first failure, cancels running siblings and never starts dependants', async () => {
    const events: string[] = []
    const failure = new ActionError({
      summary: 'copy went wrong',
      code: 'KMSKeyNotAccessibleFault',
    })
    const plan: Plan<object> = {
      description: 'test',
      steps: [
        timedStep('fails', events, { ms: 5, fail: failure }),
        timedStep('slow', events, { ms: 5_000 }),
        timedStep('later', events, { after: ['fails'] }),
      ],
    }
    const started = Date.now()
    const result = await runPlan(plan, {}, engineOptions())
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(result.error).toBeInstanceOf(ActionError)
    expect((result.error as ActionError).step).toBe('fails')
    expect(result.error?.message).toContain('step "fails"')
    expect(result.error?.message).toContain('KMSKeyNotAccessibleFault')
    expect(Object.fromEntries(result.steps.map((s) => [s.name, s.status]))).toEqual({
      fails: 'failed',
      slow: 'cancelled',
      later: 'not-run',
    })
    expect(events).not.toContain('start later')
  })

  it("reports a sibling that ends with the abort's reason (as waits do) as cancelled, not failed", async () => {
    const failure = new ActionError({ summary: 'copy went wrong' })
    const waitsLikeAWaiter: Step<object> = {
      name: 'delete-temp',
      title: 'delete the temporary instance',
      side: 'source',
      run: (_ctx, runtime) =>
        new Promise((_resolve, reject) => {
          runtime.signal.addEventListener('abort', () => reject(runtime.signal.reason))
        }),
    }
    const plan: Plan<object> = {
      description: 'test',
      steps: [timedStep('copy', [], { ms: 5, fail: failure }), waitsLikeAWaiter],
    }
    const result = await runPlan(plan, {}, engineOptions())
    expect((result.error as ActionError).summary).toBe('copy went wrong')
    expect(Object.fromEntries(result.steps.map((s) => [s.name, s.status]))).toEqual({
      copy: 'failed',
      'delete-temp': 'cancelled',
    })
  })

  it('wraps a plain error with the step name and keeps the AWS code', async () => {
    const awsError = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })
    const plan: Plan<object> = { description: 't', steps: [timedStep('x', [], { fail: awsError })] }
    const result = await runPlan(plan, {}, engineOptions())
    expect(result.error).toBeInstanceOf(ActionError)
    expect(result.error?.message).toMatch(
      /^do x failed \(step "x", the destination account\): Throttling: Rate exceeded\.\nWhat to do: AWS throttled/,
    )
  })

  it('skips steps whose condition is false and lets their dependants run', async () => {
    const events: string[] = []
    const skipped: Step<{ crossAccount: boolean }> = {
      ...timedStep('share', events),
      when: (ctx) => ctx.crossAccount,
    }
    const plan: Plan<{ crossAccount: boolean }> = {
      description: 't',
      steps: [skipped, timedStep('clone', events, { after: ['share'] })],
    }
    const result = await runPlan(plan, { crossAccount: false }, engineOptions())
    expect(result.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'share:skipped',
      'clone:succeeded',
    ])
    expect(events).toEqual(['start clone', 'end clone'])
  })

  it('asks a condition once its dependencies are done, so it can read what they learned', async () => {
    const events: string[] = []
    const ctx = { path: 'direct' }
    const attempt: Step<typeof ctx> = {
      ...timedStep('attempt', events),
      async run() {
        events.push('refused')
        ctx.path = 'fallback'
      },
    }
    const onPath = (name: string, path: string, after: string[]): Step<typeof ctx> => ({
      ...timedStep(name, events, { after }),
      when: (c) => c.path === path,
    })
    const plan: Plan<typeof ctx> = {
      description: 't',
      // Listed before what they wait for: a skip frees later steps within the same scan.
      steps: [
        timedStep('finish', events, { after: ['direct-tail', 'fallback'] }),
        onPath('direct-tail', 'direct', ['attempt']),
        onPath('fallback', 'fallback', ['attempt']),
        attempt,
      ],
    }
    const result = await runPlan(plan, ctx, engineOptions())
    expect(result.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'finish:succeeded',
      'direct-tail:skipped',
      'fallback:succeeded',
      'attempt:succeeded',
    ])
    expect(events).toEqual([
      'refused',
      'start fallback',
      'end fallback',
      'start finish',
      'end finish',
    ])
  })

  it('stops at once when cancelled from outside, naming the step that was running', async () => {
    const controller = new AbortController()
    const plan: Plan<object> = { description: 't', steps: [timedStep('long', [], { ms: 10_000 })] }
    setTimeout(() => controller.abort(cancelledBy('SIGINT')), 20)
    const result = await runPlan(plan, {}, { ...engineOptions(), signal: controller.signal })
    expect(result.steps[0]?.status).toBe('cancelled')
    expect(result.error?.message).toBe(
      'The run was cancelled (SIGINT) while step "long" was running; the post step has nothing to remove.',
    )
  })

  it('at the deadline, names every running step and what the post step removes', async () => {
    const controller = new AbortController()
    const ledger = new Ledger(() => undefined)
    const record: Step<object> = {
      name: 'clone',
      title: 'clone',
      side: 'destination',
      async run(_ctx, runtime) {
        runtime.record({ kind: 'db-cluster', side: 'destination', id: 'pr-1', disposal: 'copy' })
        runtime.record({ kind: 'db-snapshot', side: 'source', id: 'snap', disposal: 'kept' })
      },
    }
    const plan: Plan<object> = {
      description: 't',
      steps: [
        record,
        timedStep('a', [], { after: ['clone'], ms: 10_000 }),
        timedStep('b', [], { after: ['clone'], ms: 10_000 }),
      ],
    }
    setTimeout(() => controller.abort(deadlinePassed('deadline-minutes (1)')), 50)
    const result = await runPlan(
      plan,
      {},
      { ...engineOptions(), ledger, signal: controller.signal },
    )
    expect(result.error).toBeInstanceOf(ActionError)
    expect(result.error?.message).toMatch(
      /^deadline-minutes \(1\) ran out while steps "a" and "b" were running; the post step removes db-cluster pr-1 \(destination account\)\.\nWhat to do: Raise deadline-minutes/,
    )
    expect(result.steps.map((s) => s.status)).toEqual(['succeeded', 'cancelled', 'cancelled'])
  })

  it('reports a step that wraps the aborted call in its own error as cancelled, not failed', async () => {
    const controller = new AbortController()
    const wraps: Step<object> = {
      name: 'restore',
      title: 'restore',
      side: 'destination',
      run: (_ctx, runtime) =>
        new Promise((_resolve, reject) => {
          runtime.signal.addEventListener('abort', () => {
            // What the SDK throws for an aborted request, as a step's own error would wrap it.
            const aborted = Object.assign(new Error('Request aborted'), { name: 'AbortError' })
            reject(new ActionError({ summary: 'Could not restore', cause: aborted }))
          })
        }),
    }
    setTimeout(() => controller.abort(deadlinePassed('deadline-minutes (1)')), 20)
    const result = await runPlan(
      { description: 't', steps: [wraps] },
      {},
      { ...engineOptions(), signal: controller.signal },
    )
    expect(result.steps[0]?.status).toBe('cancelled')
    expect(result.error?.message).toContain('deadline-minutes (1) ran out while step "restore"')
  })

  it('leaves behind a step that ignores the stop, once the settle time has passed', async () => {
    const controller = new AbortController()
    const output = recorder()
    const deaf: Step<object> = {
      name: 'deaf',
      title: 'never stops',
      side: 'source',
      run: () => new Promise<void>(() => undefined),
    }
    setTimeout(() => controller.abort(cancelledBy('SIGTERM')), 20)
    const result = await runPlan(
      { description: 't', steps: [deaf] },
      {},
      { ...engineOptions(output), signal: controller.signal, settleAfterStopMs: 50 },
    )
    expect(result.steps[0]).toMatchObject({ status: 'cancelled', notes: ['did not stop in time'] })
    expect(result.error?.message).toContain('The run was cancelled (SIGTERM) while step "deaf"')
    expect(output.lines).toContain(
      'warning [deaf] did not stop within 0.05s of the stop; left behind',
    )
  })

  it('groups a step that runs alone and prefixes every line with its name', async () => {
    const output = recorder()
    const step: Step<object> = {
      name: 'only',
      title: 'the only step',
      side: 'source',
      async run(_ctx, runtime) {
        runtime.log.info('hello')
        runtime.note('noted')
      },
    }
    const result = await runPlan({ description: 't', steps: [step] }, {}, engineOptions(output))
    expect(output.lines[0]).toBe('group only: the only step')
    expect(output.lines).toContain('info [only] hello')
    expect(output.lines).toContain('endgroup')
    expect(result.steps[0]?.notes).toEqual(['noted'])
  })

  it('keeps the lines of overlapping steps together: one group each, progress live meanwhile', async () => {
    const output = recorder()
    /** `a` runs alone, then overlaps `b`; `c` follows them both and runs alone again. */
    let releaseA: () => void = () => undefined
    const aMayEnd = new Promise<void>((resolve) => (releaseA = resolve))
    const step = (name: string, body: Step<object>['run'], after?: string[]): Step<object> => ({
      name,
      title: `do ${name}`,
      side: 'destination',
      after,
      run: body,
    })
    const plan: Plan<object> = {
      description: 't',
      steps: [
        step('a', async (_ctx, runtime) => {
          runtime.log.info('a alone')
          await new Promise((resolve) => setTimeout(resolve, 1))
          runtime.log.info('a beside b')
          runtime.log.progress?.('a 50%')
          await aMayEnd
          runtime.log.info('a last')
        }),
        step(
          'b',
          async (_ctx, runtime) => {
            runtime.log.info('b detail')
            runtime.log.progress?.('b 10%')
            runtime.log.warning('b careful')
            releaseA()
            await new Promise((resolve) => setTimeout(resolve, 20))
            runtime.log.info('b after a')
          },
          [],
        ),
        step('c', async (_ctx, runtime) => runtime.log.info('c alone'), ['a', 'b']),
      ],
    }
    const result = await runPlan(plan, {}, engineOptions(output))
    expect(result.error).toBeUndefined()
    const lines = output.lines
    // Groups never nest and are never empty; inside one, every line is its step's.
    let open: string | undefined
    let inGroup = 0
    for (const line of lines) {
      if (line.startsWith('group ')) {
        expect(open).toBeUndefined()
        open = line.slice('group '.length, line.indexOf(':'))
        inGroup = 0
      } else if (line === 'endgroup') {
        expect(inGroup).toBeGreaterThan(0)
        open = undefined
      } else if (open !== undefined && line.startsWith('info ')) {
        expect(line.startsWith(`info [${open}] `)).toBe(true)
        inGroup += 1
      }
    }
    // Each detail line is printed once, inside its step's group.
    for (const detail of ['a alone', 'a beside b', 'a last', 'b detail', 'b after a', 'c alone']) {
      expect(lines.filter((l) => l.endsWith(detail))).toHaveLength(1)
    }
    // Progress lines came live, outside any group, as well as inside the group.
    const outside = linesOutsideGroups(lines)
    expect(outside).toContain('info [b] b 10%')
    expect(outside).toContain('warning [b] b careful')
    expect(outside.some((l) => l.startsWith('info [b] succeeded in '))).toBe(true)
    expect(lines.at(-1)).toMatch(/^info \[c\] succeeded in/)
  })

  it('prints a failed step once, as the error, not also as a warning', async () => {
    const output = recorder()
    const failure = new ActionError({ summary: 'copy went wrong' })
    const events: string[] = []
    const result = await runPlan(
      { description: 't', steps: [timedStep('fails', events, { fail: failure })] },
      {},
      engineOptions(output),
    )
    expect(result.error?.message).toContain('copy went wrong')
    expect(output.lines.filter((l) => l.includes('copy went wrong'))).toEqual([])
    expect(output.lines).toContain(
      output.lines.find((l) => /^info \[fails\] failed in \d/.test(l)) ?? 'missing end line',
    )
  })

  it('records created resources in the ledger and persists every change', async () => {
    const saved: number[] = []
    const ledger = new Ledger((resources) => saved.push(resources.length))
    const step: Step<object> = {
      name: 'make',
      title: 'make things',
      side: 'destination',
      async run(_ctx, runtime) {
        runtime.record({
          kind: 'db-snapshot',
          side: 'destination',
          id: 's1',
          disposal: 'temporary',
        })
        runtime.record({ kind: 'db-cluster', side: 'destination', id: 'c1', disposal: 'copy' })
        runtime.release({ kind: 'db-snapshot', side: 'destination', id: 's1' })
      },
    }
    await runPlan({ description: 't', steps: [step] }, {}, { ...engineOptions(), ledger })
    expect(saved).toEqual([1, 2, 1])
    expect(ledger.list()).toEqual([
      { kind: 'db-cluster', side: 'destination', id: 'c1', disposal: 'copy' },
    ])
  })
})

describe('validatePlan', () => {
  const step = (name: string, after?: string[]): Step<object> => ({
    name,
    title: name,
    side: 'source',
    after,
    run: async () => undefined,
  })

  it('refuses duplicate names, unknown dependencies and cycles', () => {
    expect(() => validatePlan({ description: 't', steps: [step('a'), step('a')] })).toThrow(
      "two steps named 'a'",
    )
    expect(() => validatePlan({ description: 't', steps: [step('a', ['z'])] })).toThrow(
      "comes after 'z', which is not in the plan",
    )
    expect(() =>
      validatePlan({ description: 't', steps: [step('a', ['b']), step('b', ['a'])] }),
    ).toThrow('dependency cycle')
  })
})

describe('what the post step will do', () => {
  const copy: CreatedResource = {
    kind: 'db-cluster',
    side: 'destination',
    id: 'pr-1',
    disposal: 'copy',
  }
  const temp: CreatedResource = {
    kind: 'db-snapshot',
    side: 'source',
    id: 'rds-refresh-1',
    disposal: 'temporary',
  }
  const kept: CreatedResource = {
    kind: 'resource-share',
    side: 'source',
    id: 'arn',
    disposal: 'kept',
  }

  it('removes intermediates always and the copy unless the run succeeded', () => {
    expect(describePostStep([copy, temp, kept], 'failed')).toBe(
      'the post step removes db-cluster pr-1 (destination account), db-snapshot rds-refresh-1 (source account)',
    )
    expect(describePostStep([copy, temp, kept], undefined)).toBe(
      describePostStep([copy, temp, kept], 'failed'),
    )
    expect(describePostStep([copy, temp], 'succeeded')).toBe(
      'the copy pr-1 is kept; the post step removes db-snapshot rds-refresh-1 (source account)',
    )
    expect(describePostStep([kept], 'failed')).toBe('the post step has nothing to remove')
  })

  it('a cancel after the last step says the copy is kept, not that the post step removes it', () => {
    expect(describeCancel([copy], 'succeeded')).toBe(
      'the refresh had already finished; the copy pr-1 is kept; the post step has nothing to remove',
    )
    expect(describeCancel([copy], undefined)).toBe(
      'stopping; the post step removes db-cluster pr-1 (destination account)',
    )
  })
})
