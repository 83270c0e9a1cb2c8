/** The `cxpulse` commands. Each one's options and help live beside it. */
import type { Command } from './command.js';
import { demoCommand, runCommand } from './serve-commands.js';
import { replayCommand } from './replay-command.js';
import { simulateCommand } from './simulate-command.js';
import { detectCommand } from './detect-command.js';
import { migrateCommand } from './migrate-command.js';

export const commands: readonly Command[] = [
  demoCommand,
  runCommand,
  simulateCommand,
  replayCommand,
  detectCommand,
  migrateCommand,
];
