/**
 * The minimality check of the shipped IAM policies: every action pattern of every statement of
 * every hand-written policy file in iam/ must have been the only grant allowing some call of the
 * runs recorded (the simulator's usage record). A grant that never was is dead: remove it, or
 * write the scenario that needs it. The `*-auto.json` files are generated unions of the clone and
 * relay files, so they are covered by theirs.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { IAM_DIR, identityPolicyFiles } from '../sim/fixtures/shipped-iam.ts'
import type { DenialRecord, UsageRecord } from '../sim/src/iam/authorizer.ts'
import type { PolicyDocument } from '../sim/src/iam/policy.ts'

/** One grant: an action pattern of one statement of one file. */
export interface Grant {
  readonly policy: string
  readonly statement: string
  readonly pattern: string
}

export const grantName = (g: Grant): string => `${g.policy} ${g.statement} ${g.pattern}`

/** The files checked: every identity policy but the generated unions. */
export function checkedPolicyFiles(): string[] {
  return identityPolicyFiles().filter((file) => !file.endsWith('-auto.json'))
}

/** Every grant of the given files, as written. */
export function grantsOf(files: readonly string[]): Grant[] {
  return files.flatMap((policy) => {
    const document = JSON.parse(readFileSync(join(IAM_DIR, policy), 'utf8')) as PolicyDocument
    return [document.Statement].flat().flatMap((statement, index) =>
      [statement.Action ?? []].flat().map((pattern) => ({
        policy,
        statement: statement.Sid ?? `#${index}`,
        pattern,
      })),
    )
  })
}

/** The grants that were the only one allowing some recorded call. */
export function neededGrants(usage: readonly UsageRecord[]): Set<string> {
  const needed = new Set<string>()
  for (const record of usage) {
    const [only, ...others] = record.allowedBy
    if (only && others.length === 0) needed.add(grantName(only))
  }
  return needed
}

/** The grants of `files` no recorded call needed. */
export function deadGrants(files: readonly string[], usage: readonly UsageRecord[]): Grant[] {
  const needed = neededGrants(usage)
  return grantsOf(files).filter((grant) => !needed.has(grantName(grant)))
}

/** A call refused under the shipped files, with the test that made it. */
export interface RecordedDenial extends DenialRecord {
  readonly test?: string
}

/** A usage file as the e2e harness writes it (JSON lines, each with its test's name). */
export interface UsageFile {
  readonly usage: UsageRecord[]
  readonly denials: RecordedDenial[]
  /** The tests that made at least one IAM-checked call under the shipped files. */
  readonly tests: Set<string>
}

type Line = (UsageRecord | DenialRecord) & { denied?: boolean; expected?: boolean; test?: string }

export function readUsageFile(file: string): UsageFile {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Line)
  return {
    usage: lines.filter((line): line is UsageRecord & Line => !line.denied),
    // A denial the test provoked on purpose (E2eRun.expectDenied) is not the files' failure.
    denials: lines.filter(
      (line): line is RecordedDenial & Line => line.denied === true && line.expected !== true,
    ),
    tests: new Set(lines.flatMap((line) => (line.test ? [line.test] : []))),
  }
}

/** What a full run found, as the docs state it. */
export interface MinimalityResult {
  readonly needed: number
  readonly total: number
  readonly files: number
  readonly tests: number
  readonly denials: number
}

/** The markers of the result in README.md and iam/README.md (`npm run iam-minimality -- --write`). */
export const MINIMALITY_MARKERS = {
  start: '<!-- iam-minimality:start -->',
  end: '<!-- iam-minimality:end -->',
} as const

/** The stated result, read with its line breaks as spaces. */
const RESULT_PATTERN =
  /(\d+) of (\d+) grants\*\* in (\d+) policy files were needed, across (\d+) tests .*?; (no|\d+) calls? (?:was|were) refused/

/** Words joined into lines of at most `width` characters, as the Markdown around it is wrapped. */
function wrap(text: string, width = 100): string {
  const lines: string[] = []
  for (const word of text.split(' ')) {
    const last = lines.at(-1)
    if (last !== undefined && last.length + 1 + word.length <= width)
      lines[lines.length - 1] = `${last} ${word}`
    else lines.push(word)
  }
  return lines.join('\n')
}

export function minimalityText(result: MinimalityResult): string {
  const refused = result.denials === 0 ? 'no call was' : `${result.denials} calls were`
  return wrap(
    `Last full run (\`npm run iam-minimality -- --write\`): **${result.needed} of ${result.total} grants** ` +
      `in ${result.files} policy files were needed, across ${result.tests} tests of the end-to-end ` +
      `and safety suites run under the shipped files; ${refused} refused.`,
  )
}

/** The result stated between the markers of a Markdown text, if any. */
export function statedMinimality(markdown: string): MinimalityResult | undefined {
  const start = markdown.indexOf(MINIMALITY_MARKERS.start)
  const end = markdown.indexOf(MINIMALITY_MARKERS.end)
  if (start < 0 || end < start) return undefined
  const match = RESULT_PATTERN.exec(markdown.slice(start, end).replace(/\s+/g, ' '))
  if (!match) return undefined
  const [needed, total, files, tests] = match.slice(1, 5).map(Number) as number[]
  const denials = match[5] === 'no' ? 0 : Number(match[5])
  return { needed, total, files, tests, denials } as MinimalityResult
}

/** The Markdown text with the result between its markers replaced (the markers must exist). */
export function withMinimality(markdown: string, result: MinimalityResult): string {
  const start = markdown.indexOf(MINIMALITY_MARKERS.start)
  const end = markdown.indexOf(MINIMALITY_MARKERS.end)
  if (start < 0 || end < start) throw new Error(`no ${MINIMALITY_MARKERS.start} block`)
  return (
    markdown.slice(0, start + MINIMALITY_MARKERS.start.length) +
    `\n\n${minimalityText(result)}\n\n` +
    markdown.slice(end)
  )
}
