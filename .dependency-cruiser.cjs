// The one-way layering of src/ (README "How the code is laid out"): a folder may import its own
// files and the floors below it, never a floor above. Checked by `npm run deps:check` in npm test.
// Floors, lowest first; folders on one floor do not import each other.
const FLOORS = [
  ['kernel', 'errors.ts', 'schema-errors.ts', 'package-info.ts', 'paths.ts'],
  ['sip', 'config'],
  ['elements'],
  ['results', 'lint'],
  ['output'],
  ['experiment'],
  ['report', 'emulate'],
  ['browser', 'cli'],
];

const pathOf = (name) => (name.endsWith('.ts') ? `^src/${name.replace('.', '[.]')}$` : `^src/${name}/`);

const layering = FLOORS.flatMap((floor, i) =>
  floor.map((name) => {
    const sameFloor = floor.filter((n) => n !== name);
    const above = FLOORS.slice(i + 1).flat();
    return {
      name: `layer-${name.replace('.ts', '')}`,
      comment: `src/${name} may import only its own floor's basics and the floors below it`,
      severity: 'error',
      from: { path: pathOf(name) },
      to: { path: [...above, ...(i === 0 ? [] : sameFloor)].map(pathOf) },
    };
  }),
);

module.exports = {
  forbidden: [
    ...layering,
    {
      name: 'no-cycles',
      comment: 'a cycle ties files together so that neither can be read or tested alone',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment:
        'the model core (kernel, sip, elements, config, results) and lint run in a browser and in tests too: no files, processes or clocks',
      severity: 'error',
      from: { path: '^src/(kernel|sip|elements|config|results|lint)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'src-not-from-tests',
      comment: 'the shipped code never imports tests, scripts or notebooks',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|scripts|notebooks|bench)/' },
    },
    {
      name: 'known-floor',
      comment: 'every folder of src/ has a floor in FLOORS above (nothing imports from outside them)',
      severity: 'error',
      from: {},
      to: { path: '^src/', pathNot: FLOORS.flat().map(pathOf) },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type is as much a dependency as a value.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
