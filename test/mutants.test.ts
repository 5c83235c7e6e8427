import { it } from 'vitest';
it.todo('mutants');
