// `cubesim lint`: a configuration checked against a release and peer endpoint profiles, before
// anything runs.
import {
  endpointIds,
  loadBorderElementModel,
  loadConfig,
  loadDefects,
  loadEndpointProfile,
  loadPlatform,
} from '../../experiment/load.ts';
import { findingsJson, formatFindings, lintExitCode } from '../../lint/findings-output.ts';
import { lintConfiguration } from '../../lint/rules.ts';
import { defineCommand } from '../define-command.ts';
import { DEFAULT_PLATFORM, STRICT } from '../options.ts';

export const lintCommand = defineCommand({
  command: 'lint <config>',
  describe: 'Check a border element configuration against a release and peer endpoint profiles before anything runs',
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'IOS CLI text or JSON configuration' })
      .option('platform', DEFAULT_PLATFORM)
      .option('endpoints', {
        type: 'string',
        describe: `peer profiles, comma-separated (default: all of ${endpointIds().join(', ')})`,
      })
      .option('strict', STRICT)
      .option('format', {
        choices: ['text', 'json'] as const,
        default: 'text' as const,
        describe: 'findings as lines of text, or one JSON document for machines',
      })
      .example(
        '$0 lint experiments/configs/passthru.ios --endpoints cucm,jssip',
        'JsSIP offers 90 s and never retries after 422',
      )
      .example(
        '$0 lint experiments/configs/pre-xz.ios --platform isr-12.4-11T --endpoints cucm',
        'calls that outlive the interval',
      )
      .epilog(
        'Exit codes: 0 no errors (warnings and notes allowed); 1 errors found, or warnings with --strict; 2 bad input (the configuration, platform or profiles cannot be read).',
      ),
  handler: (args) => {
    const platform = loadPlatform(args.platform, '--platform');
    const config = loadConfig(args.config, platform);
    const ids =
      args.endpoints === undefined
        ? endpointIds()
        : args.endpoints
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x !== '');
    const profiles = ids.map((id) => loadEndpointProfile(id, '--endpoints'));
    const findings = lintConfiguration({
      config,
      platform,
      model: loadBorderElementModel(),
      profiles,
      defects: loadDefects(),
    });
    const output =
      args.format === 'json'
        ? JSON.stringify(
            findingsJson(findings, { config: args.config, platform: platform.id, endpoints: ids }),
            null,
            2,
          )
        : formatFindings(findings, args.config);
    process.stdout.write(output + '\n');
    process.exitCode = lintExitCode(findings, args.strict);
  },
});
