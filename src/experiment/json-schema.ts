// The experiment schema as JSON Schema, for editors (completion and checking while typing).
import { z } from 'zod';
import { experimentSchema } from './schema.ts';

export function experimentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(experimentSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'cubesim/experiment.schema.json',
    title: 'cubesim experiment',
    description:
      'A cubesim experiment: platform, border element configuration, workload, network and endpoint profiles. See README.md.',
  };
}

export function experimentJsonSchemaText(): string {
  return JSON.stringify(experimentJsonSchema(), null, 2) + '\n';
}
