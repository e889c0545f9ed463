// CI reads one plain summary line; vitest's own summary is not in a form it recognises.
// A failed hook (beforeAll) or a file that does not load leaves its tests "skipped": those failures are counted
// as failed too, so the line never says "0 failed" for a red run.
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    let passed = 0, failed = 0, skipped = 0;
    for (const mod of testModules) {
      if (mod.errors().length > 0) failed++;
      for (const suite of mod.children.allSuites()) if (suite.errors().length > 0) failed++;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    failed += unhandledErrors.length;
    console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
