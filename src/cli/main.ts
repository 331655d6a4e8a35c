/** Entry point of the `pms-sync` command (bin/pms-sync.js loads this). */
import { buildProgram, reportError } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportError(err);
}
