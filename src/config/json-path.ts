// A value put into a JSON document at a dotted path ("workload.holding.mean"), the way experiment
// overrides (--set) and endpoint-profile overrides (an experiment's profile "set") address their
// fields; a missing or non-object step on the way becomes an empty object, and the schema that
// reads the document afterwards says what is not allowed there.

export function setPath(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = root;
  for (const k of keys.slice(0, -1)) {
    const next = node[k];
    if (next === undefined || next === null || typeof next !== 'object') node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}
