/**
 * Request validation against the operation's input shape, as AWS does it before any handler runs:
 * unknown members, missing required members, enums, types, lengths, ranges and patterns, walked
 * recursively through structures, lists and maps. Each service words the result its own way.
 */
import { AwsError, type ServiceName } from './core/types.ts'
import { shapeOf, type Model, type Shape } from './model.ts'

export type ProblemKind = 'unknown' | 'missing' | 'enum' | 'type' | 'length' | 'range' | 'pattern'

/** One violation; `path` is the member names (and 1-based list indexes) from the input root. */
export interface Problem {
  readonly kind: ProblemKind
  readonly path: readonly string[]
  readonly value?: unknown
  /** What the constraint requires, in Coral's words (`must have length less than or equal to 64`). */
  readonly constraint: string
}

/** Every problem in `input` against the structure `shapeName`, in member order. */
export function findProblems(model: Model, shapeName: string, input: unknown): Problem[] {
  const problems: Problem[] = []
  walk(model, shapeOf(model, shapeName), input, [], problems)
  return problems
}

function walk(model: Model, shape: Shape, value: unknown, path: string[], out: Problem[]): void {
  switch (shape.type) {
    case 'structure':
      return walkStructure(model, shape, value, path, out)
    case 'list':
      return walkList(model, shape, value, path, out)
    case 'map':
      return walkMap(model, shape, value, path, out)
    case 'string':
      return checkString(shape, value, path, out)
    case 'integer':
    case 'long':
      return checkNumber(shape, value, path, out, true)
    case 'double':
    case 'float':
      return checkNumber(shape, value, path, out, false)
    case 'boolean':
      if (typeof value !== 'boolean') out.push(typeProblem(path, value, 'a boolean'))
      return
    case 'timestamp':
      if (!(value instanceof Date) || Number.isNaN(value.getTime()))
        out.push(typeProblem(path, value, 'a timestamp'))
      return
    case 'blob':
      if (typeof value !== 'string') out.push(typeProblem(path, value, 'base64 data'))
      return
  }
}

function walkStructure(model: Model, shape: Shape, value: unknown, path: string[], out: Problem[]) {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Date
  ) {
    out.push(typeProblem(path, value, 'a structure'))
    return
  }
  const record = value as Record<string, unknown>
  const members = shape.members ?? {}
  for (const name of Object.keys(record)) {
    if (!(name in members))
      out.push({ kind: 'unknown', path: [...path, name], constraint: 'unknown' })
  }
  for (const name of shape.required ?? []) {
    if (record[name] === undefined) {
      out.push({ kind: 'missing', path: [...path, name], constraint: 'Member must not be null' })
    }
  }
  for (const [name, ref] of Object.entries(members)) {
    const memberValue = record[name]
    if (memberValue === undefined) continue
    walk(model, shapeOf(model, ref.shape), memberValue, [...path, name], out)
  }
}

function walkList(model: Model, shape: Shape, value: unknown, path: string[], out: Problem[]) {
  if (!Array.isArray(value)) {
    out.push(typeProblem(path, value, 'a list'))
    return
  }
  checkLength(shape, value.length, value, path, out)
  const memberShape = shapeOf(model, shape.member?.shape ?? '')
  value.forEach((item, index) => walk(model, memberShape, item, [...path, String(index + 1)], out))
}

function walkMap(model: Model, shape: Shape, value: unknown, path: string[], out: Problem[]) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    out.push(typeProblem(path, value, 'a map'))
    return
  }
  const valueShape = shapeOf(model, shape.value?.shape ?? '')
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    walk(model, valueShape, item, [...path, key], out)
  }
}

function checkString(shape: Shape, value: unknown, path: string[], out: Problem[]) {
  if (typeof value !== 'string') {
    out.push(typeProblem(path, value, 'a string'))
    return
  }
  if (shape.enum && !shape.enum.includes(value)) {
    out.push({
      kind: 'enum',
      path,
      value,
      constraint: `Member must satisfy enum value set: [${shape.enum.join(', ')}]`,
    })
    return
  }
  checkLength(shape, value.length, value, path, out)
  const pattern = shape.pattern === undefined ? undefined : compilePattern(shape.pattern)
  if (pattern && !pattern.test(value)) {
    out.push({
      kind: 'pattern',
      path,
      value,
      constraint: `Member must satisfy regular expression pattern: ${shape.pattern}`,
    })
  }
}

function checkLength(shape: Shape, length: number, value: unknown, path: string[], out: Problem[]) {
  if (shape.min !== undefined && length < shape.min) {
    const constraint = `Member must have length greater than or equal to ${shape.min}`
    out.push({ kind: 'length', path, value, constraint })
  } else if (shape.max !== undefined && length > shape.max) {
    const constraint = `Member must have length less than or equal to ${shape.max}`
    out.push({ kind: 'length', path, value, constraint })
  }
}

function checkNumber(
  shape: Shape,
  value: unknown,
  path: string[],
  out: Problem[],
  integer: boolean,
) {
  if (typeof value !== 'number' || Number.isNaN(value) || (integer && !Number.isInteger(value))) {
    out.push(typeProblem(path, value, integer ? 'an integer' : 'a number'))
    return
  }
  if (shape.min !== undefined && value < shape.min) {
    const constraint = `Member must have value greater than or equal to ${shape.min}`
    out.push({ kind: 'range', path, value, constraint })
  } else if (shape.max !== undefined && value > shape.max) {
    const constraint = `Member must have value less than or equal to ${shape.max}`
    out.push({ kind: 'range', path, value, constraint })
  }
}

function typeProblem(path: string[], value: unknown, expected: string): Problem {
  return { kind: 'type', path, value, constraint: `Member must be ${expected}` }
}

const patternCache = new Map<string, RegExp | undefined>()

/** Models carry Java regexes meant to match the whole value; a few do not compile in JS. */
function compilePattern(source: string): RegExp | undefined {
  if (patternCache.has(source)) return patternCache.get(source)
  let compiled: RegExp | undefined
  try {
    compiled = new RegExp(`^(?:${source})$`, 'u')
  } catch {
    compiled = undefined
  }
  patternCache.set(source, compiled)
  return compiled
}

/** How a service words validation failures. */
type Dialect = (problems: readonly Problem[]) => AwsError

/** RDS (Query): `MissingParameter` and `InvalidParameterValue`, member names as sent. */
const rdsDialect: Dialect = (problems) => {
  const first = problems[0] as Problem
  const name = queryName(first.path)
  if (first.kind === 'missing') {
    return new AwsError('MissingParameter', `The request must contain the parameter ${name}`)
  }
  if (first.kind === 'unknown') {
    return new AwsError('InvalidParameterValue', `Unrecognized parameter: ${name}`)
  }
  if (first.kind === 'enum') {
    const allowed = first.constraint.replace(/^.*\[(.*)\]$/, '$1')
    return new AwsError(
      'InvalidParameterValue',
      `Invalid value '${String(first.value)}' for ${name}. Valid values: ${allowed}`,
    )
  }
  return new AwsError(
    'InvalidParameterValue',
    `Invalid value '${String(first.value)}' for parameter ${name}: ${first.constraint.replace(/^Member /, '')}`,
  )
}

/** Coral-style (STS, KMS): "N validation errors detected: Value 'x' at 'camelPath' failed …". */
function coralDialect(code: string): Dialect {
  return (problems) => {
    const unknown = problems.find((p) => p.kind === 'unknown')
    if (unknown) return new AwsError(code, `Unrecognized parameter: ${unknown.path.join('.')}`)
    const parts = problems.map(
      (p) =>
        `Value ${p.value === undefined ? 'null' : `'${String(p.value)}'`} at '${coralPath(p.path)}' failed to satisfy constraint: ${p.constraint}`,
    )
    const count = `${parts.length} validation error${parts.length === 1 ? '' : 's'} detected`
    return new AwsError(code, `${count}: ${parts.join('; ')}`)
  }
}

/** RAM (REST-JSON): its own modeled exceptions. */
const ramDialect: Dialect = (problems) => {
  const first = problems[0] as Problem
  const name = first.path.join('.')
  if (first.kind === 'missing') {
    return new AwsError(
      'MissingRequiredParameterException',
      `The request must contain the parameter ${name}`,
    )
  }
  if (first.kind === 'unknown') {
    return new AwsError('InvalidParameterException', `Unrecognized parameter: ${name}`)
  }
  return new AwsError(
    'InvalidParameterException',
    `Invalid value '${String(first.value)}' for parameter ${name}: ${first.constraint.replace(/^Member /, '')}`,
  )
}

const dialects: Record<ServiceName, Dialect> = {
  rds: rdsDialect,
  sts: coralDialect('ValidationError'),
  kms: coralDialect('ValidationException'),
  ram: ramDialect,
}

function queryName(path: readonly string[]): string {
  return path.join('.')
}

/** Coral paths are lower camel case with list indexes: `tags.1.member.key`. */
function coralPath(path: readonly string[]): string {
  return path
    .map((part) => (/^\d+$/.test(part) ? `${part}.member` : part[0]?.toLowerCase() + part.slice(1)))
    .join('.')
}

/**
 * Throws the service's own validation error when `input` does not fit the operation's input shape.
 * KMS answers type mismatches (a string where a number belongs) with `SerializationException`.
 */
export function validateInput(model: Model, shapeName: string | undefined, input: unknown): void {
  if (shapeName === undefined) return
  const problems = findProblems(model, shapeName, input)
  if (problems.length === 0) return
  if (model.service === 'kms' && problems.some((p) => p.kind === 'type')) {
    const typed = problems.find((p) => p.kind === 'type') as Problem
    throw new AwsError(
      'SerializationException',
      `Cannot deserialize value of ${coralPath(typed.path)}: ${typed.constraint.replace(/^Member /, '')}`,
    )
  }
  throw dialects[model.service](problems)
}
