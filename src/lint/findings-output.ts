// The findings as `cubesim lint` gives them: lines of text for people, JSON for machines, and the
// exit code.

import { byOrder, type Finding, type Severity } from './findings.ts';

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line per finding, `<file>:<line>: error [rule] message`, then the totals. */
export function formatFindings(findings: Finding[], configFile: string): string {
  const sorted = [...findings].sort(byOrder);
  const lines = sorted.map(
    (f) => `${configFile}${f.line === undefined ? '' : `:${f.line}`}: ${f.severity} [${f.rule}] ${f.message}`,
  );
  const n = (s: Severity) => sorted.filter((f) => f.severity === s).length;
  lines.push(`${count(n('error'), 'error')}, ${count(n('warning'), 'warning')}, ${count(n('note'), 'note')}`);
  return lines.join('\n');
}

/** lint's exit code: 1 when there are errors (or, with `strict`, warnings), else 0. */
export function lintExitCode(findings: readonly Finding[], strict: boolean): number {
  return findings.some((f) => f.severity === 'error' || (strict && f.severity === 'warning')) ? 1 : 0;
}

/** The findings for machines (`lint --format json`): what was checked, the findings in order, and the counts. */
export function findingsJson(
  findings: readonly Finding[],
  checked: { config: string; platform: string; endpoints: readonly string[] },
): unknown {
  const sorted = [...findings].sort(byOrder);
  const n = (s: Severity) => sorted.filter((f) => f.severity === s).length;
  return { ...checked, findings: sorted, counts: { error: n('error'), warning: n('warning'), note: n('note') } };
}
