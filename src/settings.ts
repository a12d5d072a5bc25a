/**
 * The action's settings: every input read once, validated and typed (see inputs.ts).
 * Everything downstream takes this object; nothing else reads inputs.
 */

export type Operation = 'refresh' | 'delete' | 'sweep' | 'plan'
export type Phase = 'all' | 'source' | 'destination'
export type Method = 'auto' | 'clone' | 'full-copy' | 'relay'
/** Multi-AZ DB cluster relays: try the direct restore of the shared cluster snapshot first, or force a path. */
export type MultiAzPathInput = 'auto' | 'direct' | 'seven-step'
export type IfExists = 'fail' | 'reuse' | 'replace'
/** How `replace` frees the target name: rename swap (no downtime), or delete first (downtime). */
export type ReplaceStrategy = 'swap' | 'delete-first'
export type MasterPassword = 'secrets-manager' | 'generate' | 'keep'
/** The operations `operation: plan` can describe. */
export type PlannedOperation = Exclude<Operation, 'plan'>

/** A source given by identifier, or by ARN (which also names its account). */
export interface ResourceRef {
  readonly identifier: string
  readonly arn?: string
  /** Account id taken from the ARN, when the source was given as an ARN. */
  readonly accountId?: string
}

export interface ServerlessScaling {
  readonly minCapacity: number
  readonly maxCapacity: number
}

export interface Settings {
  readonly operation: Operation
  /** With `operation: plan`: which operation to describe. */
  readonly planOperation: PlannedOperation
  readonly phase: Phase
  readonly region: string
  readonly sourceRoleArn?: string
  readonly destinationRoleArn?: string
  readonly audience: string
  readonly roleSessionName: string
  readonly roleDurationSeconds: number
  /** When not empty, the run stops before any change if an assumed account is not listed. */
  readonly allowedAccountIds: readonly string[]
  readonly source?: ResourceRef
  readonly target?: string
  readonly method: Method
  readonly multiAzPath: MultiAzPathInput
  readonly ifExists: IfExists
  readonly replaceStrategy: ReplaceStrategy
  readonly snapshotArn?: string
  readonly kmsKeyId?: string
  readonly dbSubnetGroup?: string
  readonly vpcSecurityGroupIds: readonly string[]
  readonly dbClusterParameterGroup?: string
  readonly dbParameterGroup?: string
  readonly tempDbSubnetGroup?: string
  readonly tempVpcSecurityGroupIds: readonly string[]
  readonly instanceClass?: string
  readonly instanceCount: number
  readonly serverless?: ServerlessScaling
  readonly storageType?: string
  readonly iops?: number
  /** DB instance copies: Multi-AZ or Single-AZ (the default, as for most non-production copies). */
  readonly multiAz: boolean
  readonly publiclyAccessible: boolean
  readonly deletionProtection: boolean
  readonly masterPassword: MasterPassword
  /** Lifetime of the copy in seconds, from `ttl`. */
  readonly ttlSeconds?: number
  readonly tags: readonly { readonly key: string; readonly value: string }[]
  readonly keepSnapshots: boolean
  /** Cross-account clone: the RAM share allows principals outside the source's Organization. */
  readonly allowExternalPrincipals: boolean
  /** `operation: delete`: take a final snapshot under this name (none by default). */
  readonly finalSnapshotIdentifier?: string
  readonly timeoutMinutes: number
  readonly pollIntervalSeconds: number
  readonly maxAttempts: number
  readonly endpointUrl?: string
  /** Keep a comment on the run's pull request (`pull-request-comment`). */
  readonly pullRequestComment: boolean
  /** `github-token`: for the pull request comment. */
  readonly githubToken?: string
  /** From the runner's environment, for tags, names and the user agent. */
  readonly run: RunContext
}

export interface RunContext {
  readonly repository: string
  readonly runId: string
  readonly runAttempt: string
  readonly workflow: string
  readonly serverUrl: string
  /** GITHUB_API_URL: where the pull request comment goes. */
  readonly apiUrl?: string
  /** The commit the run is for (GITHUB_SHA). */
  readonly sha?: string
  /** Who started the run (GITHUB_ACTOR). */
  readonly actor?: string
  /** GITHUB_EVENT_NAME, e.g. `pull_request`, `schedule`. */
  readonly eventName?: string
  /** The pull request the run is for; absent for push, schedule and workflow_dispatch runs. */
  readonly pullRequest?: number
  /** A pull request from a fork: read-only token, no OIDC token. */
  readonly fork?: boolean
}
