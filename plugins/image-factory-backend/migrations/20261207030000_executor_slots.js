/*
 * Image Factory: the build slots of each executor, shared by every backend
 * on the database: a slot is held by one build at a time, under a lease.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('executor_slots', table => {
    table.comment('Build slots of each executor, held under a lease');
    table.string('executor', 64).notNullable().comment('Executor provider id');
    table.integer('slot').notNullable().comment('0 to concurrency - 1');
    table
      .string('holder', 64)
      .nullable()
      .comment('The build holding it, one token per hold');
    table.string('owner', 255).nullable().comment('The backend holding it');
    table
      .bigInteger('lease_expires_at')
      .nullable()
      .comment('Epoch milliseconds; past it the slot is free');
    table.primary(['executor', 'slot']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('executor_slots');
};
