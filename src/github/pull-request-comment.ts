/**
 * One comment per target on the pull request a run is for: created on the first run, updated in
 * place on later ones (found by its hidden marker), and told when the database is deleted. A
 * comment is never a reason to fail a refresh: anything that goes wrong is one warning.
 */
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { errorMessage } from '../errors.js'
import type { Settings } from '../settings.js'
import { commentMarker, goneComment, readyComment } from './comment-body.js'

/** A hung GitHub API must not hold the job; the refresh itself is already done. */
const REQUEST_TIMEOUT_MS = 30_000
const WARNING_TITLE = 'rds-refresh: pull request comment'

export interface CommentRequest {
  readonly settings: Settings
  /** The comment's hidden marker, also the first line of `body`. */
  readonly marker: string
  readonly body: string
  /** `create-or-update` (a refresh) or `update` (a delete: no comment yet, nothing to say). */
  readonly mode: 'create-or-update' | 'update'
}

type Octokit = ReturnType<typeof getOctokit>

/** Posts or updates the comment when the run is for a pull request and comments are on. */
export async function commentOnPullRequest(request: CommentRequest): Promise<void> {
  const { settings } = request
  const { run } = settings
  const number = run.pullRequest
  if (!settings.pullRequestComment || number === undefined) return
  if (run.fork) {
    core.info(
      `No comment on pull request #${number}: it comes from a fork, and GitHub gives fork pull requests a read-only token.`,
    )
    return
  }
  if (!settings.githubToken) {
    core.warning(
      `No comment on pull request #${number}: the github-token input is empty. Set it (the default is the job's token), or set pull-request-comment: false.`,
      { title: WARNING_TITLE },
    )
    return
  }
  const [owner = '', repo = ''] = run.repository.split('/')
  const where = { owner, repo, issue_number: number }
  try {
    const octokit = getOctokit(settings.githubToken, {
      baseUrl: run.apiUrl,
      request: { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) },
    })
    const existing = await findComment(octokit, where, request.marker)
    if (existing !== undefined) {
      await octokit.rest.issues.updateComment({
        owner,
        repo,
        comment_id: existing,
        body: request.body,
      })
      core.info(`Updated the comment on pull request #${number}`)
    } else if (request.mode === 'create-or-update') {
      await octokit.rest.issues.createComment({ ...where, body: request.body })
      core.info(`Commented on pull request #${number}`)
    } else {
      core.info(`No comment of this action on pull request #${number} to update`)
    }
  } catch (error) {
    core.warning(describeFailure(number, error), { title: WARNING_TITLE })
  }
}

/** The id of this action's comment carrying `marker`: written by a bot, never a person's. */
async function findComment(
  octokit: Octokit,
  where: { owner: string; repo: string; issue_number: number },
  marker: string,
): Promise<number | undefined> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...where,
    per_page: 100,
  })
  return comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(marker))?.id
}

function describeFailure(number: number, error: unknown): string {
  const status = (error as { status?: unknown }).status
  if (status === 403) {
    return `No comment on pull request #${number}: the job's token may not write to pull requests (HTTP 403: ${errorMessage(error)}). Give the job \`permissions: pull-requests: write\`, or set pull-request-comment: false. The refresh itself is unaffected.`
  }
  const code = typeof status === 'number' ? `HTTP ${status}: ` : ''
  return `Could not comment on pull request #${number} (${code}${errorMessage(error)}). The refresh itself is unaffected.`
}

/** After a refresh: the database, where it is and how to connect. */
export async function commentReady(
  settings: Settings,
  copy: {
    readonly outputs: Readonly<Record<string, string>>
    readonly accountId: string
    readonly startedAt: number
  },
): Promise<void> {
  const target = settings.target ?? ''
  const now = new Date()
  await commentOnPullRequest({
    settings,
    marker: commentMarker(target, copy.accountId),
    body: readyComment({
      target,
      accountId: copy.accountId,
      region: settings.region,
      outputs: copy.outputs,
      durationSeconds: Math.round((now.getTime() - copy.startedAt) / 1000),
      run: settings.run,
      at: now,
    }),
    mode: 'create-or-update',
  })
}

/** After `operation: delete`: the comment says the database is gone, and when. */
export async function commentGone(settings: Settings, accountId: string): Promise<void> {
  const target = settings.target ?? ''
  await commentOnPullRequest({
    settings,
    marker: commentMarker(target, accountId),
    body: goneComment({
      target,
      accountId,
      finalSnapshot: settings.finalSnapshotIdentifier,
      run: settings.run,
      at: new Date(),
    }),
    mode: 'update',
  })
}
