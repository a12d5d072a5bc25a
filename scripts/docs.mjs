// Generates README.md's Inputs and Outputs tables from action.yml, between the markers
// <!-- inputs:start -->/<!-- inputs:end --> and <!-- outputs:start -->/<!-- outputs:end -->;
// the Troubleshooting table from the action's hint table (AWS error code → what to do), between
// <!-- troubleshooting:start -->/<!-- troubleshooting:end -->;
// the IAM policy blocks of README.md and docs/cross-account.md from iam/*.json, between
// <!-- iam:<name>:start -->/<!-- iam:<name>:end --> (scripts/iam-docs.mjs); and the generated
// policy files iam/*-auto.json from the per-method files.
//
//   node scripts/docs.mjs            rewrite the tables, blocks and generated files
//   node scripts/docs.mjs --check    exit 1 when any of them differs from its source
//   --readme <path> --action <path>  other files (tests use temporary copies)
//   --guide <path> --iam <dir>       other docs/cross-account.md and iam/ folder
import { readFileSync, writeFileSync } from 'node:fs'
import { URL, fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import * as prettier from 'prettier'
import { parse } from 'yaml'
// The AWS error code → hint table the action prints from.
import { AWS_ERROR_HINTS } from '../src/aws/error-codes.ts'
import { GENERATED, INCLUDED, generatedText, includedBlock } from './iam-docs.mjs'

const HINTS = new Map(Object.entries(AWS_ERROR_HINTS))

const root = fileURLToPath(new URL('..', import.meta.url))
const { values: args } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    readme: { type: 'string', default: `${root}README.md` },
    action: { type: 'string', default: `${root}action.yml` },
    guide: { type: 'string', default: `${root}docs/cross-account.md` },
    iam: { type: 'string', default: `${root}iam` },
  },
})

/** Markdown table cell: no pipes or line breaks, and `<x>` shown rather than read as HTML. */
function cell(text) {
  return String(text)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

function code(text) {
  return text === '' ? '' : `\`${text}\``
}

function table(header, rows) {
  const lines = [header, header.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`)
  return `${lines.join('\n')}\n`
}

function inputsTable(inputs) {
  const rows = Object.entries(inputs ?? {}).map(([name, input]) => [
    code(name),
    cell(input?.description ?? ''),
    code(String(input?.default ?? '')),
  ])
  return table(['Input', 'Description', 'Default'], rows)
}

function outputsTable(outputs) {
  const rows = Object.entries(outputs ?? {}).map(([name, output]) => [
    code(name),
    cell(output?.description ?? ''),
  ])
  return table(['Output', 'Description'], rows)
}

/** One row per hint, with every AWS error code that leads to it, in the table's order. */
function troubleshootingTable(hints) {
  const codesByHint = new Map()
  for (const [code, hint] of hints) codesByHint.set(hint, [...(codesByHint.get(hint) ?? []), code])
  const rows = [...codesByHint].map(([hint, codes]) => [
    codes.map((c) => code(c)).join(', '),
    cell(hint),
  ])
  return table(['AWS error code', 'What to do'], rows)
}

/** Formats a generated table the way `prettier --check` expects it in the repository's README. */
async function format(markdown) {
  const config = (await prettier.resolveConfig(`${root}README.md`)) ?? {}
  return prettier.format(markdown, { ...config, parser: 'markdown' })
}

/** Replaces what is between the `name` markers; fails when the markers are missing. */
function replaceSection(readme, name, body, file = args.readme) {
  const start = `<!-- ${name}:start -->`
  const end = `<!-- ${name}:end -->`
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from < 0 || to < from) {
    throw new Error(`${file} needs the markers ${start} and ${end}, in that order.`)
  }
  return `${readme.slice(0, from + start.length)}\n\n${body}\n${readme.slice(to)}`
}

/** Every IAM block the document holds, rewritten from its file (a document may hold a few). */
async function includePolicies(text, file) {
  const relative = relativeIamDir(file)
  let next = text
  for (const marker of Object.keys(INCLUDED)) {
    if (!next.includes(`<!-- ${marker}:start -->`)) continue
    const block = await format(includedBlock(args.iam, marker, relative))
    next = replaceSection(next, marker, block, file)
  }
  return next
}

/** The iam/ folder as a link from the document (README at the root, guides in docs/). */
function relativeIamDir(file) {
  return file === args.guide ? '../iam/' : 'iam/'
}

/** Writes (or, with --check, compares) one generated file; returns whether it was current. */
function settle(file, next, current) {
  if (next === current) return true
  if (!args.check) writeFileSync(file, next)
  return false
}

async function main() {
  const stale = []
  for (const name of Object.keys(GENERATED)) {
    const file = `${args.iam}/${name}`
    const current = readFileSync(file, 'utf8')
    if (!settle(file, await generatedText(args.iam, name), current)) stale.push(name)
  }
  const action = parse(readFileSync(args.action, 'utf8'))
  const current = readFileSync(args.readme, 'utf8')
  let next = replaceSection(current, 'inputs', await format(inputsTable(action.inputs)))
  next = replaceSection(next, 'outputs', await format(outputsTable(action.outputs)))
  next = replaceSection(next, 'troubleshooting', await format(troubleshootingTable(HINTS)))
  const tablesCurrent = next === current
  next = await includePolicies(next, args.readme)
  const readmeCurrent = settle(args.readme, next, current)
  const guide = readFileSync(args.guide, 'utf8')
  const guideCurrent = settle(args.guide, await includePolicies(guide, args.guide), guide)
  if (!args.check) return
  if (!tablesCurrent) {
    console.error(
      `${args.readme}: the Inputs/Outputs tables differ from ${args.action}, or the Troubleshooting table from the hint table. Run \`npm run docs\` and commit README.md.`,
    )
    process.exitCode = 1
  } else if (!readmeCurrent || !guideCurrent) {
    console.error(
      `${readmeCurrent ? args.guide : args.readme}: an IAM policy block differs from ${args.iam}. Run \`npm run docs\` and commit it.`,
    )
    process.exitCode = 1
  }
  if (stale.length > 0) {
    console.error(
      `${stale.join(', ')} differ from the per-method files they unite. Run \`npm run docs\` and commit them.`,
    )
    process.exitCode = 1
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error))
  process.exitCode = 1
})
