/*
 * Image Factory: the refinery's resolutions. pip's resolver in a builder
 * takes seconds (minutes through QEMU); a plan whose inputs did not change
 * (requirements, upstream, builder image, and the upstream pages of what it
 * resolved to) reuses the last resolution instead.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('refinery_resolutions', table => {
    table.comment(
      'Resolutions by pip of the requirements of a set on one target',
    );
    table
      .string('key', 64)
      .notNullable()
      .primary()
      .comment(
        'sha256 of requirements, upstream, python, platform, builder image id',
      );
    table
      .text('distributions')
      .notNullable()
      .comment('JSON: what pip chose, with where to download each');
    table
      .text('pages')
      .notNullable()
      .comment('JSON: sha256 of each upstream project page it depends on');
    table.timestamp('resolved_at', { useTz: true }).notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('refinery_resolutions');
};
