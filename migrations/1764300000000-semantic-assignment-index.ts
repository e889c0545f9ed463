import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Spec 3.8: every export asks whether any glossary term is assigned at all, and joins the written entities to their
 * assignments. `relationship` has no index on type_name, so on a catalogue without glossary the question read the
 * whole table each time (100k entities: 20-35 ms per export, whatever its size). A partial index holds only the
 * assignments: empty where no glossary is used, so nothing to maintain on a hive import.
 */
export class SemanticAssignmentIndex1764300000000 implements MigrationInterface {
  name = 'SemanticAssignmentIndex1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX relationship_semantic_assignment_idx ON relationship (end2_guid)
        WHERE type_name = 'AtlasGlossarySemanticAssignment'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS relationship_semantic_assignment_idx`);
  }
}
