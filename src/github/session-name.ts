import type { RunContext } from '../settings.js'

/** RoleSessionName: 2-64 characters from `[\w+=,.@-]` (AssumeRoleWithWebIdentity). */
const SESSION_NAME_MAX = 64
const SESSION_NAME_DISALLOWED = /[^\w+=,.@-]/g

/**
 * The default role session name, which CloudTrail shows on every call the run makes:
 * `rds-refresh-<run id>-<attempt>[-pr<number>]-<owner>.<repository>`, the run first so a long
 * repository name is what gets cut. `rds-refresh` outside Actions.
 */
export function defaultSessionName(run: RunContext): string {
  if (!run.runId) return 'rds-refresh'
  const parts = [
    'rds-refresh',
    run.runId,
    run.runAttempt || '1',
    ...(run.pullRequest === undefined ? [] : [`pr${run.pullRequest}`]),
    ...(run.repository ? [run.repository.replace('/', '.')] : []),
  ]
  return parts
    .join('-')
    .replace(SESSION_NAME_DISALLOWED, '')
    .slice(0, SESSION_NAME_MAX)
    .replace(/[-.]+$/, '')
}
