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
