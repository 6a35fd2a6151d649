/*
 * Image Factory: the images the factory has known, keyed by entity ref, so that
 * history (builds, digests, audit) stays attached across type changes and
 * un-enrollment.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('images', table => {
    table.comment('Every image the factory has read from images.yaml');
    table
      .string('entity_ref', 255)
      .primary()
      .notNullable()
      .comment('Catalog entity ref, e.g. image:default/hello-web');
    table.string('type', 32).notNullable().comment('managed, base or external');
    table
      .string('reference', 512)
      .notNullable()
      .comment('Canonical image reference');
    table.string('owner', 255).notNullable();
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
    table
      .timestamp('archived_at', { useTz: true })
      .nullable()
      .comment('Set when the image left images.yaml; cleared when it returns');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('images');
};
