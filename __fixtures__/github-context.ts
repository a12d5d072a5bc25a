import type { GitHubContext } from '../src/github/context.js'

/**
 * A GitHubContext as `@actions/github` builds it from runner variables (`GITHUB_RUN_ID`, ...),
 * with the event payload given directly: unit tests never depend on the jest process's own
 * environment (which, in CI, is a real workflow run).
 */
export function githubContext(
  env: Readonly<Record<string, string | undefined>> = {},
  payload: GitHubContext['payload'] = {},
): GitHubContext {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '').split('/')
  return {
    payload,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    sha: env.GITHUB_SHA ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    actor: env.GITHUB_ACTOR ?? '',
    runId: parseInt(env.GITHUB_RUN_ID ?? '', 10),
    runAttempt: parseInt(env.GITHUB_RUN_ATTEMPT ?? '', 10),
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    get repo() {
      if (!owner) throw new Error('context.repo requires a GITHUB_REPOSITORY environment variable')
      return { owner, repo }
    },
  }
}
