/**
 * Issue 7's permanent safety suite: each scenario of the catalogue (scenarios.ts) runs the
 * bundled action, main and post, against its own simulated production and staging, and must end
 * with nothing left behind, nothing it did not create changed, and no secret printed.
 *
 * CI runs the subset marked `ci` (every category, every method); `SAFETY_FULL=1` runs all of it,
 * as `npm run reliability` does. A scenario with `waitsFor` fails on today's code: it is marked
 * `it.failing` with the finding it waits for, and turns red the moment that fix lands.
 */
import { describe, expect, it } from '@jest/globals'
import { DEFAULT_CONCURRENCY, limiter, CATEGORIES } from './catalogue.js'
import { runScenario } from './scenario.js'
import { CI_SCENARIOS, SCENARIOS } from './scenarios.js'

const selected = process.env.SAFETY_FULL === '1' ? SCENARIOS : CI_SCENARIOS
const limit = limiter(DEFAULT_CONCURRENCY)
/** Hangs run to their one-minute deadline; everything else takes seconds. */
const TIMEOUT_MS = 300_000

describe.each(CATEGORIES.filter((c) => selected.some((s) => s.category === c)))(
  '%s',
  (category) => {
    for (const scenario of selected.filter((s) => s.category === category)) {
      // `waitsFor` names the issue 7 finding whose fix turns this scenario green.
      const test = scenario.waitsFor ? it.concurrent.failing : it.concurrent
      test(
        scenario.waitsFor ? `${scenario.name} [waits for ${scenario.waitsFor}]` : scenario.name,
        async () => {
          const verdict = await limit(() => runScenario(scenario))
          expect(verdict.problems).toEqual([])
        },
        TIMEOUT_MS,
      )
    }
  },
)
