#!/usr/bin/env node
// dist/cli.bundle.js is dist/cli.js with its option definitions and commander in one file (scripts/build-cli.mjs).
import { main } from '../dist/cli.bundle.js';

process.exitCode = await main(process.argv);
