/**
 * Writes mappings/mapping.schema.json, the JSON Schema of the mapping format, for editors
 * (`# yaml-language-server: $schema=./mapping.schema.json` at the top of each mapping).
 * Run `npm run mappings:schema` after changing src/mappings/mapping-schema.ts; a unit test fails
 * while the committed file differs from what this script writes.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { z } from 'zod';
import { mappingSchema } from '../src/mappings/mapping-schema.js';

export const MAPPING_SCHEMA_FILE = fileURLToPath(new URL('../mappings/mapping.schema.json', import.meta.url));

/** The file's text: the schema of what a mapping file may say, formatted as the repository formats JSON. */
export async function renderMappingSchema(): Promise<string> {
  const schema = z.toJSONSchema(mappingSchema, { io: 'input', unrepresentable: 'any' });
  const config = (await prettier.resolveConfig(MAPPING_SCHEMA_FILE)) ?? {};
  return prettier.format(JSON.stringify(schema), { ...config, filepath: MAPPING_SCHEMA_FILE });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await writeFile(MAPPING_SCHEMA_FILE, await renderMappingSchema());
  console.log(`wrote ${path.relative(process.cwd(), MAPPING_SCHEMA_FILE)}`);
}
