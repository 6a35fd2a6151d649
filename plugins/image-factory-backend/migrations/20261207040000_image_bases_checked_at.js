/*
 * Image Factory: when each image's Dockerfile was last read (a 304 included),
 * so that a pass re-reads only those not read for an hour, whichever replica
 * read them, instead of every Dockerfile every minute.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('image_bases', table => {
    table
      .timestamp('checked_at', { useTz: true })
      .nullable()
      .comment('When the Dockerfile was last read, changed or not');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('image_bases', table => {
    table.dropColumn('checked_at');
  });
};
