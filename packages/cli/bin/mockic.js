#!/usr/bin/env node
// The `mockic` executable: the built CLI (dist/cli.js, from `pnpm build`).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
