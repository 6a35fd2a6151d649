/*
 * Image Factory: when a registry last reported a push of a watched reference,
 * so that a check which started before the push cannot put its next check a
 * whole interval away.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('tracked_references', table => {
    table
      .timestamp('pushed_at', { useTz: true })
      .nullable()
      .comment('When a registry notification last reported a push');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('tracked_references', table => {
    table.dropColumn('pushed_at');
  });
};
