import * as core from '@actions/core'
import { removalCommand } from './cleanup.js'
import type { AccountSide, CreatedResource, StepReport } from './engine/types.js'
import { ActionError, errorMessage } from './errors.js'
import { accountFromArn } from './aws/arn.js'
import type { CopyMethod, CopyResult } from './result.js'
import type { Settings } from './settings.js'
import { Purpose, TagKeys } from './tags.js'
import { connectExample, connectionOf, connectionRows } from './report/connect.js'
import { timelineChart } from './report/timeline.js'

/** Output names, as action.yml declares them. */
export const Outputs = {
  clusterIdentifier: 'cluster-identifier',
  clusterArn: 'cluster-arn',
  dbIdentifier: 'db-identifier',
  dbArn: 'db-arn',
  endpoint: 'endpoint',
  readerEndpoint: 'reader-endpoint',
  port: 'port',
  engine: 'engine',
  engineVersion: 'engine-version',
  masterUsername: 'master-username',
  masterUserSecretArn: 'master-user-secret-arn',
  dbInstanceIdentifiers: 'db-instance-identifiers',
  method: 'method',
  multiAzPath: 'multi-az-path',
  multiAzPathReason: 'multi-az-path-reason',
  created: 'created',
  snapshotArn: 'snapshot-arn',
  sourceAccountId: 'source-account-id',
  destinationAccountId: 'destination-account-id',
  expiresAt: 'expires-at',
  durationSeconds: 'duration-seconds',
} as const

/** The outputs of a copy, by output name; values that are unknown are left out. */
export function copyOutputs(copy: CopyResult): Record<string, string> {
  const entries: [string, string | number | boolean | undefined][] = [
    [Outputs.clusterIdentifier, copy.identifier],
    [Outputs.clusterArn, copy.arn],
    [Outputs.dbIdentifier, copy.identifier],
    [Outputs.dbArn, copy.arn],
    [Outputs.endpoint, copy.endpoint],
    [Outputs.readerEndpoint, copy.readerEndpoint],
    [Outputs.port, copy.port],
    [Outputs.engine, copy.engine],
    [Outputs.engineVersion, copy.engineVersion],
    [Outputs.masterUsername, copy.masterUsername],
    [Outputs.masterUserSecretArn, copy.masterUserSecretArn],
    [Outputs.dbInstanceIdentifiers, copy.instanceIdentifiers.join(',')],
    [Outputs.method, copy.method],
    [Outputs.created, copy.created],
    [Outputs.snapshotArn, copy.snapshotArn],
    [Outputs.expiresAt, copy.expiresAt?.toISOString()],
  ]
  return Object.fromEntries(
    entries
      .filter((e): e is [string, string | number | boolean] => e[1] !== undefined && e[1] !== '')
      .map(([k, v]) => [k, String(v)]),
  )
}

/** What a refresh job reports from: the phase it ran, its method and the copy as its steps left it. */
export interface RefreshReport {
  readonly settings: Pick<Settings, 'phase' | 'snapshotArn'>
  readonly method: CopyMethod
  readonly copy: Partial<CopyResult>
  /** Multi-AZ DB cluster sources: the relay's path and why it was taken. */
  readonly multiAzPath?: { readonly path: string; readonly reason: string }
}

/** The `multi-az-path` outputs; none for other sources. */
export function multiAzPathOutputs(choice: RefreshReport['multiAzPath']): Record<string, string> {
  if (!choice) return {}
  return { [Outputs.multiAzPath]: choice.path, [Outputs.multiAzPathReason]: choice.reason }
}

/** A source-phase job's outputs are the hand-off; otherwise those of the copy. */
export function phaseOutputs(report: RefreshReport): Record<string, string> {
  const { settings, copy } = report
  const path = multiAzPathOutputs(report.multiAzPath)
  if (settings.phase === 'destination') {
    // The source account is the snapshot's owner, not the account this job signed in to.
    const owner = accountFromArn(settings.snapshotArn ?? '')
    const outputs = { ...copyOutputs(copy as CopyResult), ...path }
    return owner ? { ...outputs, [Outputs.sourceAccountId]: owner } : outputs
  }
  if (settings.phase !== 'source') return { ...copyOutputs(copy as CopyResult), ...path }
  const outputs: Record<string, string> = { [Outputs.method]: report.method, ...path }
  if (copy.snapshotArn) outputs[Outputs.snapshotArn] = copy.snapshotArn
  return outputs
}

/**
 * What the summary lists from the ledger: resources kept on purpose (a hand-off outlives a
 * source-phase job that succeeds), and those left for the post step to remove.
 */
export function ledgerBlocks(
  resources: readonly CreatedResource[],
  failed: boolean,
): { kept: CreatedResource[]; leftBehind: CreatedResource[]; retiring: CreatedResource[] } {
  return {
    retiring: resources.filter((r) => r.disposal === 'retired'),
    kept: resources.filter((r) => r.disposal === 'kept' || (!failed && r.disposal === 'handoff')),
    leftBehind: resources.filter(
      (r) =>
        r.disposal === 'temporary' ||
        (failed && (r.disposal === 'copy' || r.disposal === 'handoff')),
    ),
  }
}

export function setOutputs(outputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
}

export interface SummaryInput {
  readonly title: string
  readonly steps: readonly StepReport[]
  readonly outputs: Record<string, string>
  readonly error?: unknown
  readonly leftBehind: readonly CreatedResource[]
  /** Created on purpose to outlive the run (the RAM share, a hand-off snapshot, kept snapshots). */
  readonly kept?: readonly CreatedResource[]
  /** The copy a replace swapped out, whose deletion the post step awaits. */
  readonly retiring?: readonly CreatedResource[]
  /** Account ids by side, shown in the step table. */
  readonly accountIds?: Readonly<Record<AccountSide, string>>
  readonly region: string
  /** Facts about the copy worth reading beside the steps (where it was placed). */
  readonly notes?: readonly string[]
}

function formatDuration(report: StepReport): string {
  if (!report.startedAt || !report.endedAt) return ''
  const seconds = (report.endedAt.getTime() - report.startedAt.getTime()) / 1000
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`
}

const STATUS_MARK: Record<StepReport['status'], string> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  cancelled: '⏹ cancelled',
  skipped: '⏭ skipped',
  'not-run': '… not run',
}

/**
 * The job summary: source → target, the steps with their timing, outputs, and any failure.
 * It is HTML, and core.summary writes text as given: every value that a user or AWS supplied
 * (names, notes, AWS error messages that echo input, outputs) goes through escapeHtml, so it
 * renders as text.
 */
export async function writeSummary(input: SummaryInput): Promise<void> {
  const summary = core.summary.addHeading(escapeHtml(input.title), 2)
  if (input.steps.length > 0) {
    summary.addTable([
      headerRow('Step', 'Account', 'Started', 'Duration', 'Status', 'Notes'),
      ...input.steps.map((s) =>
        [
          s.name,
          input.accountIds ? `${s.side} ${input.accountIds[s.side]}` : s.side,
          s.startedAt ? s.startedAt.toISOString().slice(11, 19) : '—',
          formatDuration(s) || '—',
          STATUS_MARK[s.status],
          s.notes.join('; ') || '—',
        ].map(escapeHtml),
      ),
    ])
  }
  if (input.notes && input.notes.length > 0) summary.addList(input.notes.map(escapeHtml))
  addTimeline(summary, input.steps)
  if (input.error !== undefined) {
    summary.addHeading('Failure', 3)
    summary.addCodeBlock(escapeHtml(errorMessage(input.error)))
    const hint = input.error instanceof ActionError ? input.error.hint : undefined
    if (hint) summary.addRaw(`<p><b>What to do:</b> ${escapeHtml(hint)}</p>`, true)
  }
  if (input.leftBehind.length > 0) {
    summary.addHeading('Resources left behind', 3)
    summary.addRaw('<p>The post step removes these; if it cannot, remove them with:</p>', true)
    summary.addCodeBlock(
      escapeHtml(input.leftBehind.map((r) => removalCommand(r, input.region)).join('\n')),
      'sh',
    )
  }
  if (input.retiring && input.retiring.length > 0) {
    summary.addHeading('Old copy being deleted', 3)
    summary.addRaw(
      `<p>The copy this replace swapped out is being deleted. The post step waits until AWS has removed it (and deletes it if this step could not), and says so; if it is still there later, <code>operation: sweep</code> removes it (it carries ${TagKeys.purpose}=${Purpose.retired}), or remove it with:</p>`,
      true,
    )
    summary.addCodeBlock(
      escapeHtml(input.retiring.map((r) => removalCommand(r, input.region)).join('\n')),
      'sh',
    )
  }
  if (input.kept && input.kept.length > 0) {
    summary.addHeading('Kept on purpose', 3)
    summary.addRaw(
      '<p>These outlive the run (later runs reuse them, or a destination job still needs them). Remove them when no longer needed with:</p>',
      true,
    )
    summary.addCodeBlock(
      escapeHtml(input.kept.map((r) => removalCommand(r, input.region)).join('\n')),
      'sh',
    )
  }
  addConnection(summary, input)
  const outputRows = Object.entries(input.outputs)
  if (outputRows.length > 0) {
    summary.addHeading('Outputs', 3)
    summary.addTable([
      headerRow('Output', 'Value'),
      ...outputRows.map(([k, v]) => [escapeHtml(k), escapeHtml(v)]),
    ])
  }
  await summary.write()
}

type Summary = typeof core.summary

/** The steps on one time axis (Mermaid renders fenced blocks only, so it is raw Markdown). */
function addTimeline(summary: Summary, steps: readonly StepReport[]): void {
  const chart = timelineChart(steps)
  if (chart) summary.addHeading('Timeline', 3).addRaw(`\n${chart}\n`, true)
}

/** Where the copy is and a command that reads its password from Secrets Manager. */
function addConnection(summary: Summary, input: SummaryInput): void {
  const connection = connectionOf(input.outputs, input.region)
  if (!connection) return
  summary.addHeading('How to connect', 3)
  summary.addTable(connectionRows(connection).map(([label, value]) => [label, escapeHtml(value)]))
  const example = connectExample(connection)
  if (example) summary.addRaw(`\n\`\`\`sh\n${example}\n\`\`\`\n`, true)
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** The header row of a job summary table. */
export function headerRow(...titles: string[]): { data: string; header: true }[] {
  return titles.map((data) => ({ data, header: true }))
}

/** Text as HTML that renders it literally, in element content and in attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char)
}
