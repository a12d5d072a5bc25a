// The shipped IAM policies (iam/*.json) as the documentation shows them, and the files generated
// from others: `method: auto` can fall back from clone to relay at run time, so each role's
// `*-auto.json` is the union of its `*-clone.json` and `*-relay.json`, statement by statement.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { URL, fileURLToPath } from 'node:url'
import * as prettier from 'prettier'

/** Files generated from others: name → [role, the files it unites]. */
export const GENERATED = {
  'source-auto.json': ['source-clone.json', 'source-relay.json'],
  'destination-auto.json': ['destination-clone.json', 'destination-relay.json'],
}

const list = (value) => (Array.isArray(value) ? value : [value])

/** Resources of two statements with one Sid: `*` covers all, else the union in order. */
function unionResources(a, b) {
  if (a === '*' || b === '*') return '*'
  const all = [...new Set([...list(a), ...list(b)])]
  return all.length === 1 ? all[0] : all
}

/**
 * The union of policies, statement by statement: statements with the same Sid merge their
 * actions and resources, and must have the same Effect and Condition (else the union would grant
 * more, or less, than either file).
 */
export function unitePolicies(documents) {
  const statements = new Map()
  for (const document of documents) {
    for (const statement of document.Statement) {
      const seen = statements.get(statement.Sid)
      if (!seen) {
        statements.set(statement.Sid, JSON.parse(JSON.stringify(statement)))
        continue
      }
      if (
        seen.Effect !== statement.Effect ||
        JSON.stringify(seen.Condition) !== JSON.stringify(statement.Condition)
      ) {
        throw new Error(`Statement ${statement.Sid} differs in Effect or Condition between files`)
      }
      seen.Action = [...new Set([...list(seen.Action), ...list(statement.Action)])].sort()
      seen.Resource = unionResources(seen.Resource, statement.Resource)
    }
  }
  return { Version: '2012-10-17', Statement: [...statements.values()] }
}

export function readPolicy(dir, file) {
  return JSON.parse(readFileSync(join(dir, file), 'utf8'))
}

/** The repository's prettier settings, wherever the files being generated are (tests copy them). */
const repositoryFile = fileURLToPath(new URL('../iam/source-auto.json', import.meta.url))

/** The text a generated file must have: the union, formatted as `prettier --check` wants it. */
export async function generatedText(dir, file) {
  const sources = GENERATED[file].map((source) => readPolicy(dir, source))
  const config = (await prettier.resolveConfig(repositoryFile)) ?? {}
  return prettier.format(JSON.stringify(unitePolicies(sources)), {
    ...config,
    filepath: repositoryFile,
  })
}

/** Markdown blocks the README and docs include: marker name → file. */
export const INCLUDED = {
  'iam:source-key-policy': 'source-key-policy-statements.json',
  'iam:trust-source': 'trust-source.json',
  'iam:trust-destination': 'trust-destination.json',
  'iam:source-clone': 'source-clone.json',
  'iam:destination-clone': 'destination-clone.json',
  'iam:source-relay': 'source-relay.json',
  'iam:destination-relay': 'destination-relay.json',
  'iam:source-auto': 'source-auto.json',
  'iam:destination-auto': 'destination-auto.json',
  'iam:source-lifecycle': 'source-lifecycle.json',
  'iam:destination-lifecycle': 'destination-lifecycle.json',
  'iam:one-account': 'one-account.json',
}

/** The block a marker holds: where the file lives, then the file itself. */
export function includedBlock(dir, marker, relativeDir) {
  const file = INCLUDED[marker]
  const text = readFileSync(join(dir, file), 'utf8').trimEnd()
  return `[\`${relativeDir}${file}\`](${relativeDir}${file}):\n\n\`\`\`json\n${text}\n\`\`\`\n`
}
