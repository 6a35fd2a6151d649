/*
 * Image Factory: which builder image built each wheel. A plan counts a
 * version as built only when the builder it would use now built it, so a
 * rebuilt builder (its base changed) builds the wheels again.
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('refinery_wheel_files', table => {
    table
      .string('builder_id', 80)
      .nullable()
      .comment('Image id of the builder; null for files published before');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('refinery_wheel_files', table => {
    table.dropColumn('builder_id');
  });
};
