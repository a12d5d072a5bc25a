/**
 * `npm run reliability`: runs the whole safety catalogue (__tests__/safety/scenarios.ts) against
 * the simulator and prints the reliability table: scenarios run, resources left behind, changes
 * to resources the runs did not create (by account), secrets outside mask lines, and hostile
 * inputs refused before any AWS call. Every figure is read from the simulator's inventory and
 * request log, never from what the action reports.
 *
 *   npm run reliability                       # print the table
 *   npm run reliability -- --write            # and rewrite README.md's Reliability section
 *   npm run reliability -- --only 'race' --concurrency 2
 *
 * Exits 1 when a scenario fails that is not waiting for a fix, or one waiting for a fix passes
 * (then its `waitsFor` should go, and the suite's `it.failing` becomes `it`).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import * as prettier from 'prettier'
import {
  CATEGORIES,
  DEFAULT_CONCURRENCY,
  figures,
  runCatalogue,
  type Figures,
} from '../__tests__/safety/catalogue.ts'
import type { Scenario, Verdict } from '../__tests__/safety/scenario.ts'
import { SCENARIOS } from '../__tests__/safety/scenarios.ts'
import { ROOT } from './local-runner.ts'

const { values: args } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    only: { type: 'string' },
    concurrency: { type: 'string', default: String(DEFAULT_CONCURRENCY) },
  },
})

const START = '<!-- reliability:start -->'
const END = '<!-- reliability:end -->'

function row(label: string, f: Figures): string {
  const { production, staging, other } = f.unintended
  const unintended = `${production} / ${staging}${other > 0 ? ` (+${other} elsewhere)` : ''}`
  return `| ${label} | ${f.scenarios} | ${f.passed} | ${f.leftovers} | ${unintended} | ${f.secrets} |`
}

function table(verdicts: readonly Verdict[], scenarios: readonly Scenario[]): string {
  const lines = [
    '| scenarios | run | passed | resources left behind | changes to resources the run did not create (production / staging) | secrets outside mask lines |',
    '| --- | --- | --- | --- | --- | --- |',
  ]
  for (const category of CATEGORIES) {
    const mine = verdicts.filter((v) => v.category === category)
    if (mine.length > 0) lines.push(row(category, figures(mine)))
  }
  const all = figures(verdicts)
  lines.push(row('**all**', all))
  const { refused, of } = all.refusedBeforeAws
  const waiting = new Map<string, number>()
  for (const scenario of scenarios) {
    if (scenario.waitsFor) waiting.set(scenario.waitsFor, (waiting.get(scenario.waitsFor) ?? 0) + 1)
  }
  const findings = [...waiting.entries()].map(([finding, count]) => `| ${finding} | ${count} |`)
  return [
    ...lines,
    '',
    `Hostile inputs refused before any AWS call: **${refused} of ${of}**.`,
    '',
    ...(findings.length > 0
      ? [
          'Scenarios that fail until an open finding is fixed:',
          '',
          '| finding | scenarios |',
          '| --- | --- |',
          ...findings,
        ]
      : ['No scenario is waiting for a fix.']),
  ].join('\n')
}

async function writeReadme(section: string): Promise<void> {
  const path = join(ROOT, 'README.md')
  const readme = readFileSync(path, 'utf8')
  const start = readme.indexOf(START)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`)
  const config = (await prettier.resolveConfig(path)) ?? {}
  const formatted = await prettier.format(section, { ...config, parser: 'markdown' })
  writeFileSync(
    path,
    `${readme.slice(0, start + START.length)}\n\n${formatted}\n${readme.slice(end)}`,
  )
}

const pattern = args.only ? new RegExp(args.only) : undefined
const scenarios = SCENARIOS.filter((s) => !pattern || pattern.test(s.name))
const started = Date.now()
let done = 0
const surprises: string[] = []
const verdicts = await runCatalogue(scenarios, {
  concurrency: Number(args.concurrency),
  onVerdict: (verdict, scenario) => {
    done += 1
    const failed = verdict.problems.length > 0
    const mark = failed
      ? scenario.waitsFor
        ? 'waits'
        : 'FAIL '
      : scenario.waitsFor
        ? 'FIXED'
        : 'ok   '
    process.stderr.write(`[${done}/${scenarios.length}] ${mark} ${verdict.name}\n`)
    if (failed) for (const problem of verdict.problems) process.stderr.write(`      ${problem}\n`)
    if (failed !== Boolean(scenario.waitsFor)) surprises.push(`${mark.trim()} ${verdict.name}`)
  },
})
const minutes = ((Date.now() - started) / 60_000).toFixed(1)
const section = [
  `Output of \`npm run reliability\` (${scenarios.length} scenarios in ${minutes} min):`,
  '',
  table(verdicts, scenarios),
].join('\n')
console.log(section)
if (surprises.length > 0) {
  console.log(`\nNot as the catalogue expects (${surprises.length}):\n${surprises.join('\n')}`)
}
if (args.write) await writeReadme(section)
process.exitCode = surprises.length > 0 ? 1 : 0
