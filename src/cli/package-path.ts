import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root, whether running from src/ (tsx) or dist/src/ (compiled). */
const here = dirname(fileURLToPath(import.meta.url));
const root = here.includes(`${join('dist', 'src')}`) ? join(here, '..', '..', '..') : join(here, '..', '..');

/** A path inside the package, e.g. the bundled example seed. */
export function packagePath(relative: string): string {
  return join(root, relative);
}
