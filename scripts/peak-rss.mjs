// Preloaded (node --import) into a program the benchmark times as a whole process: at exit it
// writes the process's peak resident memory, in MB, to the file named by CUBESIM_PEAK_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env['CUBESIM_PEAK_RSS_FILE'];
if (file !== undefined) {
  process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS / 1024)));
}
