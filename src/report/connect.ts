/**
 * How to reach the copy: its address, and a command that reads the password from Secrets Manager
 * with the AWS CLI at the moment it is needed. The password itself is never written anywhere: the
 * job summary and the pull request comment hold only the secret's ARN.
 */
import { Outputs } from '../report.js'

export interface Connection {
  readonly endpoint: string
  readonly port?: string
  readonly readerEndpoint?: string
  readonly engine?: string
  readonly user?: string
  /** The RDS-managed secret (`master-password: secrets-manager`); none for keep and generate. */
  readonly secretArn?: string
  readonly region: string
}

/** The connection a refresh's outputs describe; undefined before the copy has an endpoint. */
export function connectionOf(
  outputs: Readonly<Record<string, string>>,
  region: string,
): Connection | undefined {
  const endpoint = outputs[Outputs.endpoint]
  if (!endpoint) return undefined
  return {
    endpoint,
    port: outputs[Outputs.port],
    readerEndpoint: outputs[Outputs.readerEndpoint],
    engine: outputs[Outputs.engine],
    user: outputs[Outputs.masterUsername],
    secretArn: outputs[Outputs.masterUserSecretArn],
    region,
  }
}

/** Single quotes for the shell: every value here comes from AWS, but a name is never trusted. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

/** The AWS CLI call that prints the password (the RDS secret's `password` key), or undefined. */
export function passwordCommand(connection: Connection): string | undefined {
  if (!connection.secretArn) return undefined
  return [
    'aws secretsmanager get-secret-value',
    `--region ${shellQuote(connection.region)}`,
    `--secret-id ${shellQuote(connection.secretArn)}`,
    "--query SecretString --output text | jq -r '.password'",
  ].join(' ')
}

/**
 * A copy-paste example: the engine's usual client, given the password by the command above
 * through its environment variable (never on the command line) where the client has one.
 */
export function connectExample(connection: Connection): string | undefined {
  const password = passwordCommand(connection)
  if (!password) return undefined
  const host = shellQuote(connection.endpoint)
  const port = connection.port ?? ''
  const user = shellQuote(connection.user ?? 'admin')
  const engine = connection.engine ?? ''
  if (/postgres/.test(engine)) {
    return `PGPASSWORD="$(${password})" \\\n  psql "host=${connection.endpoint} port=${port} user=${connection.user ?? 'postgres'} dbname=postgres sslmode=require"`
  }
  if (/mysql|mariadb/.test(engine)) {
    return `MYSQL_PWD="$(${password})" \\\n  mysql --host=${host} --port=${port} --user=${user} --ssl-mode=REQUIRED`
  }
  if (/sqlserver/.test(engine)) {
    return `SQLCMDPASSWORD="$(${password})" \\\n  sqlcmd -S ${shellQuote(`${connection.endpoint},${port}`)} -U ${user}`
  }
  return password
}

/** Where the password is: the secret, or why there is none to point at. */
export function passwordNote(connection: Connection): string {
  if (connection.secretArn) return `in Secrets Manager: ${connection.secretArn}`
  return "not in Secrets Manager: the source's (master-password: keep), or generated, masked and stored nowhere (master-password: generate)"
}

/** The connection as rows of label and value, for the summary and the comment. */
export function connectionRows(connection: Connection): [string, string][] {
  const rows: [string, string | undefined][] = [
    ['Endpoint', connection.endpoint],
    ['Reader endpoint', connection.readerEndpoint],
    ['Port', connection.port],
    ['User', connection.user],
    ['Password', passwordNote(connection)],
  ]
  return rows.filter((row): row is [string, string] => Boolean(row[1]))
}
