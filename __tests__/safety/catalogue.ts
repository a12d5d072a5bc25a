/**
 * Runs scenarios a few at a time (each spawns the action and holds its own simulator), and sums
 * their verdicts into the figures of the README's reliability table.
 */
import { runScenario, type Category, type Scenario, type Verdict } from './scenario.ts'
import { PRODUCTION, STAGING } from './world.ts'

/** Scenarios in flight at once: each spends much of its time waiting on simulated AWS. */
export const DEFAULT_CONCURRENCY = 3

/** A limiter: at most `concurrency` tasks run at once, the others queue in order. */
export function limiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0
  const queue: (() => void)[] = []
  return async (task) => {
    if (running >= concurrency) await new Promise<void>((resolve) => queue.push(resolve))
    running += 1
    try {
      return await task()
    } finally {
      running -= 1
      queue.shift()?.()
    }
  }
}

export async function runCatalogue(
  scenarios: readonly Scenario[],
  options: {
    concurrency?: number
    onVerdict?: (verdict: Verdict, scenario: Scenario) => void
  } = {},
): Promise<Verdict[]> {
  const limit = limiter(options.concurrency ?? DEFAULT_CONCURRENCY)
  return Promise.all(
    scenarios.map((scenario) =>
      limit(async () => {
        const verdict = await runScenario(scenario)
        options.onVerdict?.(verdict, scenario)
        return verdict
      }),
    ),
  )
}

export interface Figures {
  readonly scenarios: number
  readonly passed: number
  readonly leftovers: number
  readonly unintended: {
    readonly production: number
    readonly staging: number
    readonly other: number
  }
  readonly secrets: number
  /** Hostile inputs that must be refused before any AWS call, and how many were. */
  readonly refusedBeforeAws: { readonly refused: number; readonly of: number }
}

function accountOf(text: string): string | undefined {
  return /\b(\d{12})\//.exec(text)?.[1]
}

export function figures(verdicts: readonly Verdict[]): Figures {
  const unintended = verdicts.flatMap((v) => v.unintended)
  const hostile = verdicts.filter((v) => v.refusedBeforeAws !== undefined)
  return {
    scenarios: verdicts.length,
    passed: verdicts.filter((v) => v.problems.length === 0).length,
    leftovers: verdicts.reduce((sum, v) => sum + v.leftovers.length, 0),
    unintended: {
      production: unintended.filter((u) => accountOf(u) === PRODUCTION).length,
      staging: unintended.filter((u) => accountOf(u) === STAGING).length,
      other: unintended.filter((u) => {
        const account = accountOf(u)
        return account !== PRODUCTION && account !== STAGING
      }).length,
    },
    secrets: verdicts.reduce((sum, v) => sum + v.secrets.length, 0),
    refusedBeforeAws: {
      refused: hostile.filter((v) => v.refusedBeforeAws).length,
      of: hostile.length,
    },
  }
}

export const CATEGORIES: readonly Category[] = [
  'hostile input',
  'signal',
  'lost answer',
  'fault',
  'hang',
  'race',
  'planted look-alike',
]
