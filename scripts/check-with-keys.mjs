// Checks that every `with:` key given to this action, in the example workflows (examples/*.yml)
// and in the README's YAML blocks, is an input declared in action.yml: a misspelt or removed
// input would otherwise be ignored by the runner with only a warning.
//
//   node scripts/check-with-keys.mjs                     examples/*.yml and README.md
//   node scripts/check-with-keys.mjs --action <path> <file>...   other files (tests)
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { URL, fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { parse } from 'yaml'

const root = fileURLToPath(new URL('..', import.meta.url))
const { values: args, positionals } = parseArgs({
  options: { action: { type: 'string', default: join(root, 'action.yml') } },
  allowPositionals: true,
})

const files =
  positionals.length > 0
    ? positionals
    : [
        ...readdirSync(join(root, 'examples'))
          .filter((name) => /\.ya?ml$/.test(name))
          .map((name) => join(root, 'examples', name)),
        join(root, 'README.md'),
      ]

const inputs = new Set(Object.keys(parse(readFileSync(args.action, 'utf8')).inputs ?? {}))

/** This action, however a workflow refers to it (`owner/rds-refresh@ref` or a local `./`). */
const isThisAction = (uses) =>
  typeof uses === 'string' && (/\/rds-refresh(@|$)/.test(uses) || uses === './')

/** Workflow documents in a file: the file itself, or each ```yaml block of a Markdown file. */
function documents(file) {
  const text = readFileSync(file, 'utf8')
  if (!file.endsWith('.md')) return [{ where: file, text }]
  return [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => ({
    where: `${file}:${text.slice(0, m.index).split('\n').length}`,
    text: m[1],
  }))
}

const problems = []
let checked = 0
for (const file of files) {
  for (const { where, text } of documents(file)) {
    const workflow = parse(text)
    for (const [jobName, job] of Object.entries(workflow?.jobs ?? {})) {
      for (const [index, step] of (job?.steps ?? []).entries()) {
        if (!isThisAction(step?.uses)) continue
        checked += 1
        for (const key of Object.keys(step.with ?? {})) {
          if (!inputs.has(key)) {
            problems.push(
              `${where}: job ${jobName}, step ${index + 1}: '${key}' is not an input of action.yml`,
            )
          }
        }
      }
    }
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log(`${checked} uses of the action: every with: key is an input of action.yml`)
