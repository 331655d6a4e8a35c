/**
 * Reading hand-written configuration documents (YAML or JSON) and wording their problems for the
 * person editing them: every problem names the file and the place, `feeds.yaml > feeds[0] > name:
 * required`, or the line and column of a syntax error. Shared by mappings and feed files.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { issuePathText } from './issue-path.js';

/** Turns the problems found in a file into the caller's own error type. */
export type DocumentFailure = (problems: string[], cause?: unknown) => Error;

export async function readDocumentFile(file: string, fail: DocumentFailure): Promise<unknown> {
  const label = path.basename(file);
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') {
    throw fail([`${label}: expected a .yaml, .yml or .json file`]);
  }
  let text: string;
  try {
    text = stripBom(await readFile(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw fail([`${label}: cannot read the file: ${code}`], err);
  }
  return ext === '.json' ? readJson(text, label, fail) : readYaml(text, label, fail);
}

function readJson(text: string, label: string, fail: DocumentFailure): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw fail([`${label}: not valid JSON: ${(err as Error).message}`], err);
  }
}

function readYaml(text: string, label: string, fail: DocumentFailure): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  if (doc.errors.length > 0) {
    throw fail(
      doc.errors.map((e) => {
        const at = lines.linePos(e.pos[0]);
        return `${label}: line ${at.line}, column ${at.col}: ${e.message}`;
      }),
    );
  }
  try {
    return doc.toJS() as unknown;
  } catch (err) {
    // e.g. an alias whose anchor is missing: the document parsed but has no value.
    throw fail([`${label}: ${(err as Error).message}`], err);
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Messages of a schema's own issues, worded for people editing a file. */
export const documentErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
  return undefined;
};

/** One line per issue: `label > path: message`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], label: string): string[] {
  return issues.map((i) => `${label} > ${issuePathText(i.path)}: ${issueMessage(i)}`);
}

/** A union none of whose forms fits: say which forms were expected instead of "Invalid input". */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue.message;
  const forms = issue.errors;
  const typeOnly = forms.every(
    (f) => f.length === 1 && f[0]?.code === 'invalid_type' && f[0].path.length === 0,
  );
  if (typeOnly) {
    const expected = forms.map((f) => (f[0]?.code === 'invalid_type' ? f[0].expected : 'value'));
    return `expected ${expected.join(' or ')}`;
  }
  const described = forms.map((f) => f.map((i) => `${issuePathText(i.path)}: ${i.message}`).join(', '));
  return `fits none of its forms: ${described.join('; or ')}`;
}
