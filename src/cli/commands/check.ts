// `cubesim check`: an experiment read as run reads it, without running it, then lint of its
// configuration against its own platform and profiles.
import { displayPath, loadDefects, loadExperiment } from '../../experiment/load.ts';
import { formatFindings, lintExitCode } from '../../lint/findings-output.ts';
import { lintConfiguration } from '../../lint/rules.ts';
import { defineCommand } from '../define-command.ts';
import { STRICT } from '../options.ts';

export const checkCommand = defineCommand({
  command: 'check <experiment>',
  describe:
    'Check an experiment without running it: the file, its models and configuration as run reads them, then lint of the configuration against its own platform and profiles',
  builder: (y) =>
    y
      .positional('experiment', { type: 'string', demandOption: true, describe: 'experiment JSON file' })
      .option('strict', STRICT)
      .example(
        '$0 check experiments/teach-f8-422-not-retried.json',
        'JsSIP offers 90 s to a border element with min-se 1800',
      )
      .epilog(
        'Exit codes as lint: 0 no errors; 1 errors found (or warnings with --strict); 2 the experiment cannot be read.',
      ),
  handler: (args) => {
    const loaded = loadExperiment(args.experiment);
    const { spec, experiment } = loaded;
    const ids = Object.keys(spec.profiles).sort();
    const w = spec.workload;
    const pairs = w.callers.flatMap((a) => w.callees.map((b) => [a.profile, b.profile] as const));
    const findings = lintConfiguration({
      config: spec.config,
      platform: spec.platform,
      model: spec.borderElement,
      profiles: ids.map((id) => spec.profiles[id]!),
      defects: loadDefects(),
      pairs,
    });
    const size = experiment.calls !== undefined ? `${experiment.calls} calls` : `${experiment.until} simulated seconds`;
    process.stdout.write(
      `cubesim check ${experiment.name}: valid; ${size} on ${spec.platform.id}, config ${displayPath(loaded.configPath)}, profiles ${ids.join(', ')}\n`,
    );
    process.stdout.write(formatFindings(findings, displayPath(loaded.configPath)) + '\n');
    process.exitCode = lintExitCode(findings, args.strict);
  },
});
