/*
 * Image Factory: the backends that use this database, each with a
 * heartbeat. On SQLite, which serves one backend, a second live one is
 * reported at startup.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('backend_instances', table => {
    table.comment('Backends using this database, with a heartbeat');
    table.string('id', 80).notNullable().primary();
    table.string('host', 255).notNullable().comment('Host name');
    table.integer('pid').notNullable().comment('Process id');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table
      .timestamp('seen_at', { useTz: true })
      .notNullable()
      .comment('Last heartbeat');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('backend_instances');
};
