import yaml from 'js-yaml';
import { z } from 'zod';
import type { RepositoryFileSpec } from '../plan/schema';

/**
 * What a file on the default branch must contain for a cell to count as merged: declared
 * dependencies (package.json, pyproject.toml, requirements.txt), plain text (a template sets an
 * env var), or chart values (YAML keys and their defaults). Pure: text in, findings out.
 */

export interface FileFindings {
  found: string[];
  missing: string[];
}

/** PEP 503: pyroscope_io, Pyroscope.IO and pyroscope-io are one package. */
const normalizePython = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The dependency kinds of a package.json; a field that is not an object declares nothing. */
const dependencyMap = z.record(z.string(), z.unknown()).optional().catch(undefined);
const packageJson = z.object({
  dependencies: dependencyMap,
  devDependencies: dependencyMap,
  optionalDependencies: dependencyMap,
  peerDependencies: dependencyMap,
});

/** Packages a package.json declares (all dependency kinds), or null when it is not a JSON object. */
function packageJsonDependencies(text: string): Set<string> | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const manifest = packageJson.safeParse(json);
  if (!manifest.success) return null;
  return new Set(Object.values(manifest.data).flatMap((declared) => Object.keys(declared ?? {})));
}

/**
 * Packages a Python dependency file declares: a requirement at the start of a line or of a quoted
 * list item (PEP 621 "pyroscope-io>=0.8", Poetry `pyroscope-io = "^0.8"`, requirements.txt), not a
 * mention in a comment or a description.
 */
function pythonDeclares(text: string, name: string): boolean {
  const wanted = normalizePython(name);
  const requirement = /^\s*(?:["'])?([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(?:["']|[=<>~!;,@ ]|$)/;
  return text.split('\n').some((line) => {
    if (/^\s*#/.test(line)) return false;
    // A dependency list on one line: dependencies = ["a>=1", "pyroscope-io"]
    const quoted = [
      ...line.matchAll(/["']([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(?:[=<>~!;@ ][^"']*)?["']/g),
    ].map((m) => m[1]);
    if (/\[/.test(line) && quoted.some((q) => normalizePython(q) === wanted)) return true;
    const match = requirement.exec(line);
    return match !== null && normalizePython(match[1]) === wanted;
  });
}

function checkDependencies(
  path: string,
  text: string,
  wanted: Array<string | string[]>,
): FileFindings | { error: string } {
  const findings: FileFindings = { found: [], missing: [] };
  const isPackageJson = path.endsWith('package.json');
  const declared = isPackageJson ? packageJsonDependencies(text) : null;
  if (isPackageJson && !declared) return { error: `${path} is not valid JSON` };
  for (const entry of wanted) {
    const alternatives = Array.isArray(entry) ? entry : [entry];
    const hit = alternatives.find((name) => (declared ? declared.has(name) : pythonDeclares(text, name)));
    if (hit) findings.found.push(`depends on ${hit}`);
    else findings.missing.push(`no dependency on ${alternatives.join(' or ')}`);
  }
  return findings;
}

const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A dotted key's value in parsed YAML; `present` false when any step is missing. */
export function valueAt(document: unknown, dottedKey: string): { present: boolean; value: unknown } {
  let node: unknown = document;
  for (const part of dottedKey.split('.')) {
    // Own keys only: "constructor" or "toString" is not a key of the chart's values.
    if (!isMapping(node) || !Object.hasOwn(node, part)) return { present: false, value: undefined };
    node = node[part];
  }
  return { present: true, value: node };
}

function checkValues(
  path: string,
  text: string,
  rules: NonNullable<RepositoryFileSpec['values']>,
): FileFindings | { error: string } {
  let document: unknown;
  try {
    document = yaml.load(text);
  } catch (error) {
    return { error: `${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}` };
  }
  const findings: FileFindings = { found: [], missing: [] };
  for (const rule of rules) {
    const { present, value } = valueAt(document, rule.key);
    if (!present) findings.missing.push(`${rule.key} is not defined`);
    else if (rule.equals !== undefined && value !== rule.equals) {
      findings.missing.push(
        `${rule.key} defaults to ${JSON.stringify(value)}, the plan wants ${JSON.stringify(rule.equals)}`,
      );
    } else
      findings.found.push(rule.equals !== undefined ? `${rule.key}: ${JSON.stringify(value)}` : `${rule.key} defined`);
  }
  return findings;
}

/** Applies a file spec's rules to the file's text. */
export function evaluateFile(spec: RepositoryFileSpec, text: string): FileFindings | { error: string } {
  const parts: FileFindings[] = [];
  if (spec.dependencies?.length) {
    const result = checkDependencies(spec.path, text, spec.dependencies);
    if ('error' in result) return result;
    parts.push(result);
  }
  if (spec.contains?.length) {
    parts.push({
      found: spec.contains.filter((t) => text.includes(t)).map((t) => `contains ${t}`),
      missing: spec.contains.filter((t) => !text.includes(t)).map((t) => `does not contain ${t}`),
    });
  }
  if (spec.values?.length) {
    const result = checkValues(spec.path, text, spec.values);
    if ('error' in result) return result;
    parts.push(result);
  }
  return { found: parts.flatMap((p) => p.found), missing: parts.flatMap((p) => p.missing) };
}
