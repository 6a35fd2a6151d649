/*
 * Image Factory: the archive of un-enrolled images. Each image keeps its last
 * images.yaml entry (as the Image entity it became), so that the archive can
 * show it and "Re-enroll" can start from it, and every enrollment,
 * un-enrollment and return is recorded with its time.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('images', table => {
    table
      .text('entity')
      .nullable()
      .comment('The Image entity of its last images.yaml entry, as JSON');
  });
  await knex.schema.createTable('image_events', table => {
    table.comment('When each image entered, left and re-entered images.yaml');
    table.bigIncrements('id').primary();
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('Catalog entity ref, e.g. image:default/hello-web');
    table
      .string('event', 32)
      .notNullable()
      .comment('enrolled, unenrolled or re-enrolled');
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['entity_ref'], 'image_events_entity_ref_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('image_events');
  await knex.schema.alterTable('images', table => {
    table.dropColumn('entity');
  });
};
