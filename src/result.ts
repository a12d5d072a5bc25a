/** What a refresh produced: the copy, as reported in outputs and the summary. */
export type CopyMethod = 'clone' | 'full-copy' | 'relay'

export interface CopyResult {
  /** `cluster` for Aurora and Multi-AZ DB clusters, `instance` for a DB instance copy. */
  readonly kind: 'cluster' | 'instance'
  readonly identifier: string
  readonly arn: string
  readonly endpoint?: string
  readonly readerEndpoint?: string
  readonly port?: number
  readonly engine?: string
  readonly engineVersion?: string
  readonly masterUsername?: string
  readonly masterUserSecretArn?: string
  readonly instanceIdentifiers: readonly string[]
  readonly method: CopyMethod
  readonly created: boolean
  readonly snapshotArn?: string
  readonly expiresAt?: Date
}
