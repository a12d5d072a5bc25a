/**
 * The pull request comment, as Markdown: the database a pull request got (what, where, how to
 * connect, until when), or that it is gone. It names the password's secret, never a password.
 */
import { Outputs } from '../report.js'
import { connectExample, connectionOf, connectionRows } from '../report/connect.js'
import type { RunContext } from '../settings.js'

/**
 * Hidden in the rendered comment; finds the one comment for this target in this account again
 * on later runs (identifiers are `[a-z0-9-]`, account ids digits: nothing that ends a comment).
 */
export function commentMarker(target: string, accountId: string): string {
  return `<!-- rds-refresh target=${target.toLowerCase()} account=${accountId} -->`
}

export interface ReadyComment {
  readonly target: string
  readonly accountId: string
  readonly region: string
  /** The refresh's outputs (copyOutputs): kind, engine, endpoints, secret, expiry. */
  readonly outputs: Readonly<Record<string, string>>
  readonly durationSeconds: number
  readonly run: RunContext
  readonly at: Date
}

export function readyComment(comment: ReadyComment): string {
  const { outputs } = comment
  const connection = connectionOf(outputs, comment.region)
  const reused = outputs[Outputs.created] === 'false'
  const expiresAt = outputs[Outputs.expiresAt]
  const rows: [string, string | undefined][] = [
    ['Target', `${code(comment.target)} in account ${comment.accountId} (${comment.region})`],
    ['Engine', [outputs[Outputs.engine], outputs[Outputs.engineVersion]].filter(Boolean).join(' ')],
    [
      'Method',
      reused
        ? 'reused as it was (if-exists: reuse)'
        : `${outputs[Outputs.method] ?? 'unknown'}, ${formatDuration(comment.durationSeconds)}`,
    ],
    ...(connection
      ? connectionRows(connection).map(
          ([label, value]) =>
            [label, label === 'Password' ? passwordCell(value) : code(value)] as [string, string],
        )
      : []),
    ['Expires', expiresAt ? formatTime(new Date(expiresAt)) : 'never (no ttl)'],
  ]
  const example = connection ? connectExample(connection) : undefined
  return [
    commentMarker(comment.target, comment.accountId),
    `### 🗄️ Database ${code(comment.target)} is ready`,
    '',
    '| | |',
    '| --- | --- |',
    ...rows
      .filter((row): row is [string, string] => Boolean(row[1]))
      .map(([label, value]) => `| ${label} | ${cell(value)} |`),
    ...(example
      ? [
          '',
          'Connect (with credentials for the destination account; the password is read from Secrets Manager):',
          '',
          '```sh',
          example,
          '```',
        ]
      : []),
    '',
    footer(comment.run, comment.at),
  ].join('\n')
}

export interface GoneComment {
  readonly target: string
  readonly accountId: string
  readonly finalSnapshot?: string
  readonly run: RunContext
  readonly at: Date
}

export function goneComment(comment: GoneComment): string {
  return [
    commentMarker(comment.target, comment.accountId),
    `### 🗑️ Database ${code(comment.target)} is gone`,
    '',
    `Deleted from account ${comment.accountId} on ${formatTime(comment.at)} (\`operation: delete\`)${
      comment.finalSnapshot ? `, after a final snapshot ${code(comment.finalSnapshot)}` : ''
    }.`,
    '',
    footer(comment.run, comment.at),
  ].join('\n')
}

/** Which run wrote the comment, linked, and for which commit. */
function footer(run: RunContext, at: Date): string {
  const runText = run.runId
    ? `[run ${run.runId}, attempt ${run.runAttempt}](${run.serverUrl}/${run.repository}/actions/runs/${run.runId}/attempts/${run.runAttempt})`
    : 'a local run'
  const commit = run.sha ? ` for commit ${run.sha.slice(0, 7)}` : ''
  return `<sub>rds-refresh · ${runText}${commit} · ${formatTime(at)}</sub>`
}

/** `in Secrets Manager: <arn>` with the ARN as code; the reason there is none as text. */
function passwordCell(text: string): string {
  const secret = /^in Secrets Manager: (\S+)$/.exec(text)
  return secret?.[1] ? `in Secrets Manager: ${code(secret[1])}` : text
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``
}

/** A table cell: a `|` would start the next cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `took ${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `took ${minutes} min ${seconds % 60} s`
  return `took ${Math.floor(minutes / 60)} h ${minutes % 60} min`
}
