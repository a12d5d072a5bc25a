import type { RunContext, Settings } from '../src/settings.js'

/**
 * A complete Settings for unit tests: action.yml's defaults with fast polling and one attempt.
 * Tests pass only what they are about; `run` overrides merge into the default run context.
 */
export function testSettings(
  overrides: Partial<Omit<Settings, 'run'>> & { run?: Partial<RunContext> } = {},
): Settings {
  const { run, ...rest } = overrides
  return {
    operation: 'refresh',
    planOperation: 'refresh',
    phase: 'all',
    region: 'us-east-1',
    audience: 'sts.amazonaws.com',
    roleSessionName: 'rds-refresh-42',
    roleDurationSeconds: 3600,
    allowedAccountIds: [],
    method: 'auto',
    multiAzPath: 'auto',
    ifExists: 'fail',
    replaceStrategy: 'swap',
    vpcSecurityGroupIds: [],
    tempVpcSecurityGroupIds: [],
    instanceCount: 1,
    multiAz: false,
    publiclyAccessible: false,
    deletionProtection: false,
    masterPassword: 'secrets-manager',
    tags: [],
    keepSnapshots: false,
    allowExternalPrincipals: false,
    timeoutMinutes: 5,
    pollIntervalSeconds: 0.01,
    maxAttempts: 1,
    pullRequestComment: false,
    ...rest,
    run: {
      repository: 'acme/app',
      runId: '42',
      runAttempt: '1',
      workflow: 'ci',
      serverUrl: 'https://github.com',
      ...run,
    },
  }
}
