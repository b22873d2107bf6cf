import yaml from 'js-yaml';
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

/** Packages a package.json declares (all dependency kinds), or null when it is not valid JSON. */
function packageJsonDependencies(text: string): Set<string> | null {
  try {
    const manifest = JSON.parse(text) as Record<string, unknown>;
    const names = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].flatMap((field) =>
      manifest[field] && typeof manifest[field] === 'object' ? Object.keys(manifest[field] as object) : [],
    );
    return new Set(names);
  } catch {
    return null;
  }
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

/** A dotted key's value in parsed YAML; `present` false when any step is missing. */
export function valueAt(document: unknown, dottedKey: string): { present: boolean; value: unknown } {
  let node: unknown = document;
  for (const part of dottedKey.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !(part in (node as object)))
      return { present: false, value: undefined };
    node = (node as Record<string, unknown>)[part];
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
