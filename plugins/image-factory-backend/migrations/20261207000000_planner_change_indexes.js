/*
 * Image Factory: indexes for a planning pass that follows the change. A pass
 * asks which runs were created or ended since the last one, and reads the
 * last successful run of many images at once; without these both scan the
 * whole build ledger.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('build_runs', table => {
    table.index(['created_at'], 'build_runs_created_idx');
    table.index(['finished_at'], 'build_runs_finished_idx');
    table.index(
      ['image_name', 'status', 'finished_at'],
      'build_runs_image_status_finished_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('build_runs', table => {
    table.dropIndex(['created_at'], 'build_runs_created_idx');
    table.dropIndex(['finished_at'], 'build_runs_finished_idx');
    table.dropIndex(
      ['image_name', 'status', 'finished_at'],
      'build_runs_image_status_finished_idx',
    );
  });
};
