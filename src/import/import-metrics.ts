// spec 5.7.9 + P7: each guid is counted once, under the first outcome it is reported with, in the order
// created -> updated -> deleted; unchanged (skipped) entities are counted as `entity:TYPE:unchanged`.
// Guids written again by a later batch of the same import come back as `repeated` from the store and are not
// counted again, so no set of every guid is kept: memory stays flat however large the archive (issue 4).
import type { UnitReport } from '../metadata/store/metadata-store';

export class ImportMetrics {
  readonly metrics: Record<string, number> = {};
  /** number of distinct guids reported created / updated / deleted */
  processedCount = 0;

  addTypedefMetrics(m: Record<string, number>): void {
    for (const [k, v] of Object.entries(m)) this.metrics[k] = (this.metrics[k] ?? 0) + v;
  }

  /** the unit reports of one batch, in unit order (a guid may be reported by several units of a batch) */
  addBatch(reports: readonly UnitReport[]): void {
    const seen = new Set<string>();
    for (const report of reports) this.addUnit(report, seen);
  }

  private addUnit(report: UnitReport, seen: Set<string>): void {
    for (const [outcome, list] of [['created', report.created], ['updated', report.updated], ['deleted', report.deleted]] as const) {
      for (const h of list) {
        if (seen.has(h.guid)) continue;
        seen.add(h.guid);
        this.processedCount++;
        this.bump(`entity:${h.typeName}:${outcome}`);
      }
    }
    for (const h of report.repeated ?? []) seen.add(h.guid);
    for (const h of report.unchanged) {
      if (seen.has(h.guid)) continue;
      seen.add(h.guid);
      this.bump(`entity:${h.typeName}:unchanged`);
    }
  }

  private bump(key: string): void {
    this.metrics[key] = (this.metrics[key] ?? 0) + 1;
  }
}
