/**
 * Reading ARNs (`arn:<partition>:<service>:<region>:<account>:<resource>`). RDS writes its
 * resources as `<type>:<id>` (`arn:aws:rds:us-east-1:111111111111:cluster-snapshot:nightly`).
 */

/** The account id inside an ARN; undefined when the ARN names none (or is not an ARN). */
export function accountFromArn(arn: string): string | undefined {
  const account = arn.split(':')[4]
  return account && /^\d{12}$/.test(account) ? account : undefined
}

/** The resource type of an RDS ARN (`snapshot`, `cluster-snapshot`, `cluster`, `db`). */
export function rdsResourceType(arn: string): string | undefined {
  return arn.startsWith('arn:') ? arn.split(':')[5] : undefined
}

/** The identifier inside an RDS ARN; anything that is not an ARN is returned as it is. */
export function rdsResourceId(arn: string): string {
  return arn.split(':').slice(6).join(':') || arn
}
