// Writes experiments/experiment.schema.json from the zod schema (npm run schema).
import { writeFileSync } from 'node:fs';
import { experimentJsonSchemaText } from '../src/experiment/json-schema.ts';

writeFileSync(new URL('../experiments/schema/experiment.schema.json', import.meta.url), experimentJsonSchemaText());
console.log('wrote experiments/schema/experiment.schema.json');
