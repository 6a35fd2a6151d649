/*
 * Image Factory: the factory keeps its pull request branches on top of the
 * base branch. It remembers what it asked for (to apply it again), which base
 * and head commits it made, and what it last did (re-applied, conflict).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('enrollments', table => {
    table
      .text('edit')
      .nullable()
      .comment('JSON: what the request asked, to apply it again on a new base');
    table
      .string('base_sha', 64)
      .nullable()
      .comment('The base branch commit the change was last applied on');
    table
      .string('head_sha', 64)
      .nullable()
      .comment('The head commit the factory last made on the branch');
    table
      .string('sync_state', 32)
      .nullable()
      .comment('reapplied, conflict or foreign-commits');
    table.text('sync_message').nullable();
    table.timestamp('synced_at', { useTz: true }).nullable();
    table.string('sync_base_sha', 64).nullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('enrollments', table => {
    table.dropColumn('edit');
    table.dropColumn('base_sha');
    table.dropColumn('head_sha');
    table.dropColumn('sync_state');
    table.dropColumn('sync_message');
    table.dropColumn('synced_at');
    table.dropColumn('sync_base_sha');
  });
};
