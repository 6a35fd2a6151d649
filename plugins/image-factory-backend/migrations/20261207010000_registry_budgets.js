/*
 * Image Factory: one request budget per registry host for every backend
 * sharing this database (a token bucket row per host), the requests sent per
 * minute for the last day, and what each host last reported or failed with.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('registry_budgets', table => {
    table.comment('Request budget of each registry host, shared by backends');
    table.string('host', 255).notNullable().primary();
    table
      .double('tokens')
      .nullable()
      .comment('Tokens left at tokens_at; null for a host without a budget');
    table
      .bigInteger('tokens_at')
      .nullable()
      .comment('Epoch milliseconds of the last refill');
    table
      .bigInteger('created_at')
      .notNullable()
      .comment('Epoch milliseconds since the host is counted');
    table
      .text('reported')
      .nullable()
      .comment('JSON of the rate limit the registry last reported');
    table.bigInteger('reported_at').nullable();
    table.bigInteger('postponed_until').nullable();
    table.string('postponed_reason', 32).nullable();
    table.text('last_error').nullable();
    table.bigInteger('last_error_at').nullable();
  });
  await knex.schema.createTable('registry_requests', table => {
    table.comment('Requests sent to each registry host per minute, one day');
    table.string('host', 255).notNullable();
    table.bigInteger('minute').notNullable().comment('Minutes since the epoch');
    table.integer('count').notNullable();
    table.primary(['host', 'minute']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('registry_requests');
  await knex.schema.dropTable('registry_budgets');
};
