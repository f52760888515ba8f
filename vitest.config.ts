import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure logic (no network), `integration` talks to a real
// Kafka broker and schema registry, started by test/setup/services.ts when the
// user has not pointed KAFKA_BROKERS / SCHEMA_REGISTRY_URL at their own.
export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: '.cache/vitest-results.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/services.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
