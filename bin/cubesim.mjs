#!/usr/bin/env node
// Entry point of the `cubesim` command: the sources are TypeScript, run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
