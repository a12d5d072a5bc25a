/**
 * IAM identity-policy evaluation, as the IAM User Guide's policy evaluation logic describes it:
 * an explicit `Deny` in any statement that applies wins; otherwise an `Allow` that applies is
 * needed; otherwise the request is implicitly denied. See README.md in this folder for every rule
 * and its source.
 */

/** A policy document as IAM stores it (JSON). */
export interface PolicyDocument {
  readonly Version?: string
  readonly Statement: readonly PolicyStatement[] | PolicyStatement
}

export interface PolicyStatement {
  readonly Sid?: string
  readonly Effect: 'Allow' | 'Deny'
  readonly Action?: string | readonly string[]
  readonly NotAction?: string | readonly string[]
  readonly Resource?: string | readonly string[]
  readonly NotResource?: string | readonly string[]
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

/** An identity policy attached to a role, with the name it is reported by (its file). */
export interface NamedPolicy {
  readonly name: string
  readonly document: PolicyDocument
}

/** One authorization question: may the principal do `action` on `resource`, in this context? */
export interface AuthorizationRequest {
  /** `service:Action`, e.g. `rds:DeleteDBCluster`. */
  readonly action: string
  /** The resource ARN, or `*` for actions without a resource. */
  readonly resource: string
  /** Condition keys with their values for this request (`aws:ResourceTag/k`, `kms:ViaService`). */
  readonly context: Readonly<Record<string, string>>
}

/** Which statement decided, for the usage record and the denial message. */
export interface Match {
  readonly policy: string
  /** The statement's Sid, or `#<index>` when it has none. */
  readonly statement: string
  /** The `Action` pattern that matched (for `NotAction`: `NotAction`). */
  readonly pattern: string
}

export type Decision =
  /** `matches`: every statement (and pattern) that allows, the first one first. */
  | { readonly effect: 'allow'; readonly matches: readonly Match[] }
  | { readonly effect: 'deny'; readonly match: Match }
  | { readonly effect: 'implicit-deny' }

const asList = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.map(String)
    : value === undefined || value === null
      ? []
      : [String(value)]

const compiled = new Map<string, RegExp>()

/** IAM wildcard match: `*` any run, `?` one character; `caseless` for actions. */
export function wildcardMatches(pattern: string, text: string, caseless = false): boolean {
  const key = `${caseless ? 'i' : 's'}${pattern}`
  let regex = compiled.get(key)
  if (!regex) {
    const source = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')
    regex = new RegExp(`^${source}$`, caseless ? 'is' : 's')
    compiled.set(key, regex)
  }
  return regex.test(text)
}

/** The Action pattern of the statement that covers the action, or undefined. */
function actionPattern(statement: PolicyStatement, action: string): string | undefined {
  if (statement.NotAction !== undefined) {
    const excluded = asList(statement.NotAction).some((p) => wildcardMatches(p, action, true))
    return excluded ? undefined : 'NotAction'
  }
  return asList(statement.Action).find((p) => wildcardMatches(p, action, true))
}

function coversResource(statement: PolicyStatement, resource: string): boolean {
  if (statement.NotResource !== undefined) {
    return !asList(statement.NotResource).some((p) => wildcardMatches(p, resource))
  }
  return asList(statement.Resource).some((p) => p === '*' || wildcardMatches(p, resource))
}

/** The condition operators the shipped policies use; an unknown operator never holds. */
const operators: Record<string, (actual: string, expected: string) => boolean> = {
  StringEquals: (a, e) => a === e,
  StringNotEquals: (a, e) => a !== e,
  StringEqualsIgnoreCase: (a, e) => a.toLowerCase() === e.toLowerCase(),
  StringLike: (a, e) => wildcardMatches(e, a),
  StringNotLike: (a, e) => !wildcardMatches(e, a),
  ArnEquals: (a, e) => a === e,
  ArnLike: (a, e) => wildcardMatches(e, a),
  Bool: (a, e) => a.toLowerCase() === e.toLowerCase(),
}

/** Condition keys compare case-insensitively (IAM: "condition key names are not case-sensitive"). */
function lookup(context: Readonly<Record<string, string>>, key: string): string | undefined {
  const wanted = key.toLowerCase()
  const found = Object.keys(context).find((k) => k.toLowerCase() === wanted)
  return found === undefined ? undefined : context[found]
}

/**
 * Every operator/key pair must hold. A key absent from the request makes its condition false,
 * except for `Null` (true when absent is what it asks) and the negated string operators
 * (`StringNotEquals` holds when the key is absent, as IAM documents).
 */
function conditionsHold(
  condition: PolicyStatement['Condition'],
  context: Readonly<Record<string, string>>,
): boolean {
  if (condition === undefined) return true
  return Object.entries(condition).every(([operator, entries]) =>
    Object.entries(entries).every(([key, expected]) => {
      const actual = lookup(context, key)
      const values = asList(expected)
      if (operator === 'Null') return values.some((v) => (v === 'true') === (actual === undefined))
      const test = operators[operator.replace(/IfExists$/, '')]
      if (!test) return false
      if (actual === undefined) {
        return operator.endsWith('IfExists') || operator.startsWith('StringNot')
      }
      return operator.includes('Not')
        ? values.every((v) => test(actual, v))
        : values.some((v) => test(actual, v))
    }),
  )
}

const statementsOf = (document: PolicyDocument): PolicyStatement[] =>
  Array.isArray(document.Statement)
    ? [...(document.Statement as PolicyStatement[])]
    : [document.Statement as PolicyStatement]

/** Evaluates a request against identity policies: explicit Deny, then Allow, else implicit deny. */
export function evaluate(
  policies: readonly NamedPolicy[],
  request: AuthorizationRequest,
): Decision {
  const allows: Match[] = []
  for (const policy of policies) {
    const statements = statementsOf(policy.document)
    for (const [index, statement] of statements.entries()) {
      const pattern = actionPattern(statement, request.action)
      if (pattern === undefined || !coversResource(statement, request.resource)) continue
      if (!conditionsHold(statement.Condition, request.context)) continue
      const match = { policy: policy.name, statement: statement.Sid ?? `#${index}`, pattern }
      if (statement.Effect === 'Deny') return { effect: 'deny', match }
      allows.push(match)
    }
  }
  return allows.length > 0 ? { effect: 'allow', matches: allows } : { effect: 'implicit-deny' }
}
