// What lint says: one finding per problem or remark, with its severity, the rule that found it and
// the configuration line it is about, and the one order findings are always given in.

export type Severity = 'error' | 'warning' | 'note';

export interface Finding {
  severity: Severity;
  rule: string;
  message: string;
  /** 1-based line of the configuration the finding is about, when there is one. */
  line?: number;
}

export function finding(severity: Severity, rule: string, message: string, line?: number): Finding {
  return line === undefined ? { severity, rule, message } : { severity, rule, message, line };
}

/** Code-unit order of two strings, with no locale involved. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** Severity first, then rule, message and line. */
export function byOrder(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    compare(a.rule, b.rule) ||
    compare(a.message, b.message) ||
    (a.line ?? 0) - (b.line ?? 0)
  );
}
