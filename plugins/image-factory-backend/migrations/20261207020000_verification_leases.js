/*
 * Image Factory: verifications carry a lease their backend renews while it
 * runs them, so that a replica only takes over those whose backend stopped.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('stage_verifications', table => {
    table.string('owner', 255).nullable().comment('The backend running it');
    table
      .timestamp('lease_expires_at', { useTz: true })
      .nullable()
      .comment('Renewed while it runs; past it the backend is gone');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('stage_verifications', table => {
    table.dropColumn('lease_expires_at');
    table.dropColumn('owner');
  });
};
