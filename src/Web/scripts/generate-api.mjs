// Regenerates src/api/schema.d.ts from the platform's OpenAPI document: a file path, or a running platform's URL
// (default http://127.0.0.1:5080/openapi/v1.json). The generated file is committed; a test fails when it drifts.
import { writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import openapiTS, { astToString } from 'openapi-typescript';

const source = process.argv[2] ?? 'http://127.0.0.1:5080/openapi/v1.json';
const output = process.argv[3] ?? new URL('../src/api/schema.d.ts', import.meta.url);
const document = source.startsWith('http') ? await (await fetch(source)).json() : JSON.parse(await readFile(source, 'utf8'));
const header = '// Generated from the platform\'s OpenAPI document by scripts/generate-api.mjs. Do not edit.\n';
await writeFile(output, header + astToString(await openapiTS(document)));
