import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalogue (ARCHITECTURE "Storage"). Guids are text, not uuid: Atlas accepts any string and old ZIPs carry
 * whatever their exporter made. References are rows of `relationship` (both relationship instances and plain
 * legacy references) so traversal and referredEntities are set-based queries over one table. No foreign keys from
 * `relationship` to `entity`: an import may reference entities that arrive later in the same archive (spec P6).
 */
export class InitialSchema1764100000000 implements MigrationInterface {
  name = 'InitialSchema1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE type_def (
        name         text PRIMARY KEY,
        category     text NOT NULL,
        guid         text NOT NULL,
        def          jsonb NOT NULL,
        version      bigint NOT NULL DEFAULT 1,
        created_by   text,
        updated_by   text,
        create_time  bigint NOT NULL,
        update_time  bigint NOT NULL
      )`);
    // bumped by every typedef write; TypeRegistry compares it to notice changes made by other processes
    await q.query(`CREATE TABLE type_system_state (id int PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)`);
    await q.query(`INSERT INTO type_system_state (id, version) VALUES (1, 0)`);

    // spec P8: the incremental-export marker is this sequence, bumped on every entity write
    await q.query(`CREATE SEQUENCE entity_change_seq`);
    await q.query(`
      CREATE TABLE entity (
        guid               text PRIMARY KEY,
        type_name          text NOT NULL,
        status             text NOT NULL DEFAULT 'ACTIVE',
        attributes         jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_by         text,
        updated_by         text,
        create_time        bigint NOT NULL,
        update_time        bigint NOT NULL,
        version            bigint NOT NULL DEFAULT 0,
        home_id            text,
        provenance_type    int,
        is_incomplete      boolean NOT NULL DEFAULT false,
        custom_attributes  jsonb,
        labels             jsonb,
        business_attributes jsonb,
        historical_guids   text[],
        change_seq         bigint NOT NULL DEFAULT nextval('entity_change_seq')
      )`);
    await q.query(`CREATE INDEX entity_type_name_idx ON entity (type_name)`);
    await q.query(`CREATE INDEX entity_change_seq_idx ON entity (change_seq)`);

    // spec 10.3: unique among non-DELETED entities of every type inheriting the attribute from the same declaring type
    await q.query(`
      CREATE TABLE entity_unique (
        type_name  text NOT NULL,
        attr_name  text NOT NULL,
        value      text NOT NULL,
        guid       text NOT NULL,
        PRIMARY KEY (type_name, attr_name, value)
      )`);
    await q.query(`CREATE INDEX entity_unique_guid_idx ON entity_unique (guid)`);

    await q.query(`
      CREATE TABLE relationship (
        guid         text PRIMARY KEY,
        type_name    text,
        end1_guid    text NOT NULL,
        end2_guid    text NOT NULL,
        end1_attr    text,
        end2_attr    text,
        status       text NOT NULL DEFAULT 'ACTIVE',
        attributes   jsonb,
        ordinal      int NOT NULL DEFAULT 0,
        -- which end owns the other (composition container / ownedRef): 1, 2 or NULL; drives referredEntities,
        -- cascade delete and export embedding without a type lookup per row
        owner_end    smallint,
        -- relationshipDef.propagateTags at write time (spec 10.5); NONE for plain references
        propagate_tags text NOT NULL DEFAULT 'NONE',
        created_by   text,
        create_time  bigint NOT NULL,
        update_time  bigint NOT NULL,
        version      bigint NOT NULL DEFAULT 0
      )`);
    // one instance per (type, ends); plain references also keyed by their attribute. Leading with end1_guid, the
    // same index serves lookups from end1, so end1 needs no index of its own (one index less to maintain on import)
    await q.query(`CREATE UNIQUE INDEX relationship_ends_uq ON relationship (end1_guid, end2_guid, COALESCE(type_name, ''), COALESCE(end1_attr, ''))`);
    await q.query(`CREATE INDEX relationship_end2_idx ON relationship (end2_guid)`);

    await q.query(`
      CREATE TABLE classification (
        entity_guid   text NOT NULL,
        type_name     text NOT NULL,
        attributes    jsonb,
        propagate     boolean NOT NULL DEFAULT false,
        remove_propagations_on_entity_delete boolean NOT NULL DEFAULT false,
        validity_periods jsonb,
        PRIMARY KEY (entity_guid, type_name)
      )`);
    await q.query(`CREATE INDEX classification_propagate_idx ON classification (propagate) WHERE propagate`);
    // spec 10.5: derived; recomputed from classification + relationship whenever either changes
    await q.query(`
      CREATE TABLE propagated_classification (
        entity_guid  text NOT NULL,
        source_guid  text NOT NULL,
        type_name    text NOT NULL,
        PRIMARY KEY (entity_guid, source_guid, type_name)
      )`);

    await q.query(`
      CREATE TABLE export_import_audit (
        guid                text PRIMARY KEY,
        user_name           text,
        operation           text NOT NULL,
        source_server_name  text NOT NULL DEFAULT '',
        target_server_name  text NOT NULL DEFAULT '',
        start_time          bigint NOT NULL,
        end_time            bigint NOT NULL,
        result_summary      text,
        operation_status    text,
        resume_position     int,
        resume_guid         text,
        seq                 bigserial
      )`);
    await q.query(`CREATE INDEX export_import_audit_start_idx ON export_import_audit (start_time DESC, seq DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['export_import_audit', 'propagated_classification', 'classification', 'relationship', 'entity_unique', 'entity', 'type_system_state', 'type_def']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
    await q.query(`DROP SEQUENCE IF EXISTS entity_change_seq`);
  }
}
