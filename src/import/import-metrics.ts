// spec 5.7.9 + P7: each guid is counted once, under the first outcome it is reported with, in the order
// created -> updated -> deleted; unchanged (skipped) entities are counted as `entity:TYPE:unchanged`.
import type { UnitReport } from '../metadata/store/metadata-store';

export class ImportMetrics {
  readonly metrics: Record<string, number> = {};
  private readonly processed = new Set<string>();
  private readonly unchanged = new Set<string>();

  addTypedefMetrics(m: Record<string, number>): void {
    for (const [k, v] of Object.entries(m)) this.metrics[k] = (this.metrics[k] ?? 0) + v;
  }

  addUnit(report: UnitReport): void {
    for (const [outcome, list] of [['created', report.created], ['updated', report.updated], ['deleted', report.deleted]] as const) {
      for (const h of list) {
        if (this.processed.has(h.guid)) continue;
        this.processed.add(h.guid);
        this.unchanged.delete(h.guid);
        this.bump(`entity:${h.typeName}:${outcome}`);
      }
    }
    for (const h of report.unchanged) {
      if (this.processed.has(h.guid) || this.unchanged.has(h.guid)) continue;
      this.unchanged.add(h.guid);
      this.bump(`entity:${h.typeName}:unchanged`);
    }
  }

  processedEntities(): string[] {
    return [...this.processed];
  }

  private bump(key: string): void {
    this.metrics[key] = (this.metrics[key] ?? 0) + 1;
  }
}
