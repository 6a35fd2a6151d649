/*
 * Image Factory: automatic builds. Per image, what its builds are made from
 * in images.yaml (source, build args, platforms) as last acted on, so that a
 * change of it queues one build, and a restart never queues the same build
 * twice; and the detail of planned rebuilds of other causes than base changes.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('image_build_triggers', table => {
    table.comment('Per image, the images.yaml build inputs last acted on');
    table.string('image_name', 63).primary().notNullable();
    table
      .text('config')
      .notNullable()
      .comment('Source, build args and platforms as canonical JSON');
    table
      .timestamp('first_seen_at', { useTz: true })
      .notNullable()
      .comment('When the factory first saw the image with a source');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .comment('When the config was last acted on');
  });
  await knex.schema.alterTable('rebuild_plans', table => {
    table
      .text('cause_detail')
      .nullable()
      .comment('What changed (config-change) or the schedule (scheduled)');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('rebuild_plans', table => {
    table.dropColumn('cause_detail');
  });
  await knex.schema.dropTable('image_build_triggers');
};
