/*
 * Image Factory: a run may rebuild only the platforms whose bases changed and
 * reuse the others from an earlier run; each successful run is also pushed
 * under a versioned tag, which the retention policy removes later.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('build_platforms', table => {
    table
      .string('reused_from', 36)
      .nullable()
      .comment('The run whose image of this platform was reused');
  });
  await knex.schema.alterTable('build_runs', table => {
    table
      .string('version_tag', 128)
      .nullable()
      .comment(
        'The versioned tag the run pushed, e.g. latest-20261123T201500Z',
      );
    table
      .timestamp('pruned_at', { useTz: true })
      .nullable()
      .comment('When the retention policy removed the run from the registry');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('build_runs', table => {
    table.dropColumn('pruned_at');
    table.dropColumn('version_tag');
  });
  await knex.schema.alterTable('build_platforms', table => {
    table.dropColumn('reused_from');
  });
};
