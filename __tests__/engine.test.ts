import { describe, expect, it } from '@jest/globals'
import { runPlan, validatePlan, type EngineOutput } from '../src/engine/engine.js'
import { Ledger } from '../src/engine/ledger.js'
import type { Plan, Step } from '../src/engine/types.js'
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

  it('stops at once when cancelled from outside', async () => {
    const controller = new AbortController()
    const plan: Plan<object> = { description: 't', steps: [timedStep('long', [], { ms: 10_000 })] }
    setTimeout(
      () =>
        controller.abort(
          Object.assign(new Error('The run was cancelled (SIGINT)'), { name: 'CancelledError' }),
        ),
      20,
    )
    const result = await runPlan(plan, {}, { ...engineOptions(), signal: controller.signal })
    expect(result.steps[0]?.status).toBe('cancelled')
    expect(result.error?.message).toBe('The run was cancelled (SIGINT)')
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
