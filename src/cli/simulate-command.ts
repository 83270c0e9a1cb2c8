/** `cxpulse simulate`: the simulator's own command, given the kafkajs publisher for `--output kafka`. */
import { SIMULATE_HELP, runSimulateCommand } from '../sources/simulator/simulate-command.js';
import { createKafkaPublisher } from '../sinks/kafka/kafka-publisher.js';
import type { Command } from './command.js';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'generate realistic traffic to Kafka, stdout or a JSON-lines file',
  usage: SIMULATE_HELP,
  run: (argv, io) =>
    runSimulateCommand(argv, {
      stdout: io.stdout,
      stderr: io.stderr,
      env: io.env,
      createPublisher: ({ brokers }) => createKafkaPublisher({ brokers, clientId: 'cxpulse-simulator' }),
    }),
};
