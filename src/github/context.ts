/**
 * The workflow run as `@actions/github`'s context describes it (runner variables and the event
 * payload), reduced to what the action records: tags, the role session name, the PR comment.
 * Every field may be absent: `schedule` and `workflow_dispatch` runs have no pull request, and a
 * run outside Actions has none of it.
 */
import type { context } from '@actions/github'
import type { RunContext } from '../settings.js'

/** The parts of `@actions/github`'s context the action reads (tests pass their own). */
export type GitHubContext = Pick<
  typeof context,
  | 'payload'
  | 'eventName'
  | 'sha'
  | 'workflow'
  | 'actor'
  | 'runId'
  | 'runAttempt'
  | 'serverUrl'
  | 'apiUrl'
> & { readonly repo: { readonly owner: string; readonly repo: string } }

/** Events whose payload is a pull request the action may comment on. */
const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'pull_request_target'])

export function runContextOf(github: GitHubContext): RunContext {
  const pullRequest = pullRequestNumber(github)
  return {
    repository: repositoryOf(github),
    runId: numberText(github.runId),
    runAttempt: numberText(github.runAttempt) || '1',
    workflow: github.workflow ?? '',
    serverUrl: github.serverUrl || 'https://github.com',
    apiUrl: github.apiUrl || 'https://api.github.com',
    sha: github.sha || undefined,
    actor: github.actor || undefined,
    eventName: github.eventName || undefined,
    ...(pullRequest !== undefined && { pullRequest }),
    ...(pullRequest !== undefined && isFork(github) && { fork: true }),
  }
}

/** `owner/name`; `context.repo` throws without GITHUB_REPOSITORY and a payload repository. */
function repositoryOf(github: GitHubContext): string {
  try {
    const { owner, repo } = github.repo
    return owner && repo ? `${owner}/${repo}` : ''
  } catch {
    return ''
  }
}

/** The context parses run ids with parseInt: NaN when the variable is unset. */
function numberText(value: number | undefined): string {
  return value !== undefined && Number.isFinite(value) ? String(value) : ''
}

/** The pull request of a pull_request(_target) event, or of a comment on one. */
function pullRequestNumber(github: GitHubContext): number | undefined {
  const { payload } = github
  const number: unknown = PULL_REQUEST_EVENTS.has(github.eventName)
    ? (payload.pull_request?.number ?? payload.number)
    : payload.issue?.pull_request
      ? payload.issue.number
      : undefined
  return typeof number === 'number' && Number.isInteger(number) && number > 0 ? number : undefined
}

/**
 * A `pull_request` run for a head branch in another repository: GitHub gives it a read-only
 * token and no OIDC token. (`pull_request_target` runs in the base repository's context.)
 */
function isFork(github: GitHubContext): boolean {
  if (github.eventName !== 'pull_request') return false
  const pr = github.payload.pull_request as
    | { head?: { repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } } }
    | undefined
  // A fork deleted since the pull request was opened leaves `head.repo` null.
  if (pr?.head?.repo === null) return true
  const head = pr?.head?.repo?.full_name
  const base = pr?.base?.repo?.full_name
  return head !== undefined && base !== undefined && head !== base
}
